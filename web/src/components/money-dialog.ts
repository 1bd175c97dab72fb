import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError, type FormErrors } from "./forms";
import { previewTable } from "./distribution-preview";
import { api, findInvestors, liveMessages, ownEntries, toasts } from "../context";
import { debounce } from "../lib/debounce";
import { ApiError, newIdempotencyKey } from "../lib/api";
import { compare, sign } from "../lib/decimal";
import { money, price, units as fmtUnits } from "../lib/format";
import { valueOf } from "../lib/holding";
import { plainAmount, plainNumber } from "../lib/typed";
import type { Approval, DistributionPreview, Entry, Investor, InvestorRecord, Pool } from "../lib/types";
import * as check from "../lib/validate";

export type MoneyMode = "contribute" | "withdraw" | "distribute" | "trade" | "add-investor";

const TITLES: Record<MoneyMode, string> = {
  contribute: "Record a contribution",
  withdraw: "Pay out a withdrawal",
  distribute: "Distribute cash",
  trade: "Record a trade",
  "add-investor": "Add an investor",
};


type WithdrawBy = "amount" | "units" | "all";

/** Every form that moves money or changes the pool, in one dialog. Each submission
 * carries an Idempotency-Key kept for as long as its values stay the same, so a
 * retry after a dropped connection moves nothing twice. */
export class MoneyDialog extends LightElement {
  static override properties = {
    pool: { attribute: false },
    mode: { state: true },
    investor: { state: true },
    errors: { state: true },
    busy: { state: true },
    preview: { state: true },
    previewPage: { state: true },
    choices: { state: true },
    withdrawBy: { state: true },
    typed: { state: true },
  };
  declare pool: Pool | null;
  declare mode: MoneyMode;
  declare investor: InvestorRecord | null;
  declare errors: FormErrors;
  declare busy: boolean;
  declare preview: DistributionPreview | null;
  declare previewPage: number;
  declare choices: Investor[];
  declare withdrawBy: WithdrawBy;
  declare typed: string;
  private key = "";
  private keyFor = "";
  private off: (() => void) | null = null;

  constructor() {
    super();
    this.pool = null;
    this.mode = "contribute";
    this.investor = null;
    this.errors = { fields: {}, form: "" };
    this.busy = false;
    this.preview = null;
    this.previewPage = 0;
    this.choices = [];
    this.withdrawBy = "amount";
    this.typed = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // The investor the dialog is for stays current while it is open (their own push, or another tab's).
    this.off = liveMessages.on((m) => {
      if (m.type === "investor.updated" && m.data.id === this.investor?.id && m.data.updated_at >= this.investor.updated_at) {
        this.investor = { ...this.investor, ...m.data };
      }
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    super.disconnectedCallback();
  }

  open(mode: MoneyMode, investor: InvestorRecord | null = null): void {
    this.mode = mode;
    this.investor = investor;
    this.typed = "";
    // Read the investor afresh: the row they were picked from may be a moment old.
    if (investor && this.pool) void this.refresh(investor.id);
    this.errors = { fields: {}, form: "" };
    this.preview = null;
    this.previewPage = 0;
    this.withdrawBy = "amount";
    this.key = "";
    this.querySelector("form")?.reset();
    if ((mode === "contribute" || mode === "withdraw") && !investor) void this.search("");
    this.querySelector<HTMLDialogElement>("dialog")?.showModal();
    this.updateComplete.then(() => this.querySelector<HTMLInputElement>("dialog input:not([type=hidden]), dialog select")?.focus());
  }

  close(): void {
    this.querySelector<HTMLDialogElement>("dialog")?.close();
  }

  private keyForPayload(payload: unknown): string {
    const text = JSON.stringify(payload);
    if (!this.key || this.keyFor !== text) {
      this.key = newIdempotencyKey();
      this.keyFor = text;
    }
    return this.key;
  }

  private async refresh(investorId: string): Promise<void> {
    if (!this.pool) return;
    try {
      const fresh = await api.get<Investor>(`/pools/${this.pool.id}/investors/${investorId}`);
      if (this.investor?.id === investorId && fresh.updated_at >= this.investor.updated_at) this.investor = fresh;
    } catch {
      // the row's own figures stay; the API still checks every figure on submit
    }
  }

  private pick(e: Event): void {
    const id = (e.target as HTMLSelectElement).value;
    this.investor = this.choices.find((i) => i.id === id) ?? null;
    if (this.investor) void this.refresh(this.investor.id);
  }

  /** What the investor holds, worth what the pool's NAV per unit says now: the one figure
   * the header, the check below and the payout all use. */
  private holding(): { units: string; value: string } | null {
    if (!this.investor || !this.pool) return null;
    return { units: this.investor.units, value: valueOf(this.investor.units, this.pool) };
  }

  private async search(q: string): Promise<void> {
    if (!this.pool) return;
    this.choices = (await findInvestors(this.pool.id, q, 50)).filter((i) => i.status === "active");
  }

  private searchSoon = debounce((q: string) => void this.search(q), 200);

  private onSearch(e: InputEvent): void {
    this.searchSoon((e.target as HTMLInputElement).value.trim());
  }

  private investorId(v: Record<string, string>): string {
    return this.investor?.id ?? v.investor_id ?? "";
  }

  /** A withdrawal larger than the holding, refused here with the same figure the header shows. */
  private overHolding(amount: string): string | null {
    const held = this.holding();
    if (!held || !this.investor || !check.isPlainDecimal(amount) || compare(amount, held.value) <= 0) return null;
    const cur = this.pool?.currency ?? "USD";
    return `${this.investor.name}'s ${fmtUnits(held.units)} units are worth ${money(held.value, cur)}; enter at most that, or withdraw all units`;
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const pool = this.pool;
    if (!pool) return;
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    const cur = pool.currency;
    // What people type ("1,000", "$500") becomes the plain decimal the API takes.
    if (v.amount !== undefined) v.amount = plainAmount(v.amount, cur);
    for (const name of ["units", "quantity", "price", "fees"]) if (v[name] !== undefined) v[name] = plainNumber(v[name]!);
    let path = "";
    let payload: Record<string, string> = {};
    let fields: Record<string, string> = {};
    let idempotent = true;
    switch (this.mode) {
      case "add-investor":
        fields = check.problems({ name: check.name(v.name ?? ""), email: check.email(v.email ?? "") });
        path = `/pools/${pool.id}/investors`;
        payload = { name: v.name ?? "", email: v.email ?? "" };
        idempotent = false;
        break;
      case "contribute":
        fields = check.problems({
          investor_id: this.investorId(v) ? null : "Choose an investor",
          amount: check.amount(v.amount ?? "", cur),
        });
        path = `/pools/${pool.id}/contributions`;
        payload = { investor_id: this.investorId(v), amount: v.amount ?? "" };
        break;
      case "withdraw": {
        const by = this.withdrawBy;
        const all = this.investor?.units ?? "";
        fields = check.problems({
          investor_id: this.investorId(v) ? null : "Choose an investor",
          amount: by === "amount" ? check.amount(v.amount ?? "", cur) ?? this.overHolding(v.amount ?? "") : null,
          units: by === "units" ? check.unitCount(v.units ?? "") : by === "all" && sign(all || "0") === 0 ? "This investor holds no units" : null,
        });
        path = `/pools/${pool.id}/withdrawals`;
        const investor_id = this.investorId(v);
        payload = by === "amount" ? { investor_id, amount: v.amount ?? "" } : { investor_id, units: by === "all" ? all : (v.units ?? "") };
        break;
      }
      case "distribute":
        fields = check.problems({ amount: check.amount(v.amount ?? "", cur) });
        path = `/pools/${pool.id}/distributions`;
        payload = v.memo ? { amount: v.amount ?? "", memo: v.memo } : { amount: v.amount ?? "" };
        break;
      case "trade":
        fields = check.problems({
          symbol: check.symbol(v.symbol ?? ""),
          quantity: check.positiveDecimal(v.quantity ?? "", "Quantity", 8),
          price: check.positiveDecimal(v.price ?? "", "Price", 6),
          fees: v.fees ? check.positiveDecimal(v.fees, "Fees", 6, true) : null,
        });
        path = `/pools/${pool.id}/trades`;
        payload = { symbol: (v.symbol ?? "").toUpperCase(), side: v.side ?? "buy", quantity: v.quantity ?? "", price: v.price ?? "", fees: v.fees || "0" };
        if (v.memo) payload.memo = v.memo;
        break;
    }
    this.errors = { fields, form: "" };
    if (Object.keys(fields).length) return;

    // A distribution is previewed first: every share, summing exactly to the total.
    if (this.mode === "distribute" && (!this.preview || compare(this.preview.amount, payload.amount ?? "0") !== 0)) {
      await this.loadPreview(payload.amount ?? "");
      return;
    }
    // Pay exactly the shares shown, or nothing: the API refuses if holdings moved since.
    if (this.mode === "distribute" && this.preview) payload.preview_id = this.preview.preview_id;
    this.busy = true;
    try {
      const options = idempotent ? { idempotencyKey: this.keyForPayload({ path, payload }) } : {};
      const result = await api.post<Entry | Investor | Approval>(path, payload, options);
      this.close();
      if ("approval_id" in result) {
        // Four eyes: nothing moved; finance decides in its Approvals inbox.
        toasts.emit({ kind: "info", text: `Held for finance's approval: ${result.why}` });
      } else {
        if (this.mode !== "add-investor") ownEntries.add(result.id);
        toasts.emit({ kind: "success", text: this.successText(result, pool) });
      }
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true, composed: true }));
    } catch (exc) {
      if (exc instanceof ApiError && exc.code === "preview_outdated") {
        // Show the shares as they are now and let the manager confirm again.
        await this.loadPreview(payload.amount ?? "");
        this.errors = { fields: {}, form: "Holdings changed since your preview. These are the shares now; check them and pay out again." };
        return;
      }
      this.errors = fromApiError(exc, Object.keys({ ...payload, investor_id: "" }));
    } finally {
      this.busy = false;
    }
  }

  private async loadPreview(amount: string): Promise<void> {
    if (!this.pool) return;
    this.busy = true;
    try {
      this.preview = await api.post<DistributionPreview>(`/pools/${this.pool.id}/distributions/preview`, { amount });
      this.previewPage = 0;
    } catch (exc) {
      this.preview = null;
      this.errors = fromApiError(exc, ["amount"]);
    } finally {
      this.busy = false;
    }
  }

  private successText(result: Entry | Investor, pool: Pool): string {
    const cur = pool.currency;
    if (this.mode === "add-investor") return `${(result as Investor).name} added to ${pool.name}`;
    const entry = result as Entry;
    switch (this.mode) {
      case "contribute":
        return `Contribution of ${money(entry.amount ?? "0", cur)} recorded: ${fmtUnits(entry.units ?? "0")} units issued`;
      case "withdraw":
        return `Withdrawal of ${money(entry.amount ?? "0", cur)} paid: ${fmtUnits(entry.units ?? "0")} units redeemed`;
      case "distribute":
        return `Distribution of ${money(entry.amount ?? "0", cur)} paid to investors`;
      default:
        return `Trade recorded: ${entry.side} ${entry.quantity} ${entry.symbol}`;
    }
  }

  protected override render() {
    const pool = this.pool;
    const e = this.errors;
    const f = "money";
    const cur = pool?.currency ?? "USD";
    const showPicker = (this.mode === "contribute" || this.mode === "withdraw") && !this.investor;
    return html`<dialog aria-labelledby="money-title" @close=${() => (this.preview = null)}>
      <form class="stack" @submit=${this.submit} novalidate>
        <header>
          <h2 id="money-title">${TITLES[this.mode]}</h2>
          ${this.holdingLine(cur)}
          ${pool && (this.mode === "contribute" || this.mode === "withdraw")
            ? html`<p class="muted small">At today's NAV per unit of ${price(pool.nav_per_unit, cur)}. Cash available: ${money(pool.cash, cur)}.</p>`
            : nothing}
        </header>
        <div class="dialog-body stack">
          ${e.form ? html`<div class="form-error" role="alert">${e.form}</div>` : nothing}
          ${this.noInvestorsYet()
            ? html`<div class="empty" data-testid="no-investors">
                <p>This pool has no investors yet: add an investor first, then take their contribution.</p>
                <button class="primary" type="button" @click=${() => this.open("add-investor")}>Add an investor</button>
              </div>`
            : html`${showPicker ? this.picker() : nothing} ${this.fields(f, cur)}
                ${this.mode === "withdraw" ? this.payoutLine(cur) : nothing}`}
          ${this.mode === "distribute" && this.preview
            ? previewTable(this.preview, cur, this.previewPage, (page) => (this.previewPage = page))
            : nothing}
        </div>
        <footer>
          <button type="button" @click=${this.close}>Cancel</button>
          ${this.noInvestorsYet() ? nothing : html`<button class="primary" type="submit" ?disabled=${this.busy}>${this.submitLabel(cur)}</button>`}
        </footer>
      </form>
    </dialog>`;
  }

  private noInvestorsYet(): boolean {
    return (this.mode === "contribute" || this.mode === "withdraw") && !this.investor && (this.pool?.investor_count ?? 0) === 0;
  }

  private holdingLine(cur: string) {
    const held = this.holding();
    if (!this.investor || !held || (this.mode !== "contribute" && this.mode !== "withdraw")) return nothing;
    return html`<p class="muted small" data-testid="holding">For ${this.investor.name} · holds ${fmtUnits(held.units)} units worth ${money(held.value, cur)}</p>`;
  }

  /** What the withdrawal would pay, from the same figures as the header. */
  private payoutLine(cur: string) {
    const held = this.holding();
    if (!held || !this.pool) return nothing;
    let pays: string | null = null;
    if (this.withdrawBy === "all") pays = held.value;
    else if (this.withdrawBy === "units" && check.isPlainDecimal(plainNumber(this.typed))) pays = valueOf(plainNumber(this.typed), this.pool);
    else if (this.withdrawBy === "amount" && check.isPlainDecimal(plainAmount(this.typed, cur))) pays = plainAmount(this.typed, cur);
    if (pays === null) return nothing;
    const all = this.withdrawBy === "all" ? `, redeeming all ${fmtUnits(held.units)} units` : "";
    return html`<p class="small" data-testid="payout" aria-live="polite">Pays ${money(pays, cur)}${all}</p>`;
  }

  private submitLabel(cur: string): string {
    switch (this.mode) {
      case "add-investor":
        return "Add investor";
      case "contribute":
        return "Record contribution";
      case "withdraw":
        return "Pay withdrawal";
      case "distribute":
        return this.preview ? `Pay out ${money(this.preview.amount, cur)}` : "Preview shares";
      default:
        return "Record trade";
    }
  }

  private onTyped = (e: InputEvent): void => {
    this.typed = (e.target as HTMLInputElement).value;
  };

  private picker() {
    const err = this.errors.fields.investor_id;
    return html`<div class="field">
      <label for="money-investor-search">Find investor</label>
      <input id="money-investor-search" type="search" placeholder="Name or email" @input=${this.onSearch} autocomplete="off" />
      <label for="money-investor_id">Investor</label>
      <select id="money-investor_id" name="investor_id" aria-invalid=${err ? "true" : "false"} @change=${this.pick}>
        <option value="">Choose…</option>
        ${this.choices.map((i) => html`<option value=${i.id}>${i.name}${i.email ? ` (${i.email})` : ""}</option>`)}
      </select>
      ${err ? html`<div class="error">${err}</div>` : nothing}
    </div>`;
  }

  private fields(f: string, cur: string) {
    const fe = this.errors.fields;
    switch (this.mode) {
      case "add-investor":
        return html`${field(f, { label: "Name", name: "name", error: fe.name, required: true })}
        ${field(f, { label: "Email (optional)", name: "email", type: "email", error: fe.email, hint: "Used on statements" })}`;
      case "contribute":
        return field(f, { label: `Amount (${cur})`, name: "amount", inputmode: "decimal", error: fe.amount, hint: "Units are issued at NAV per unit, rounded down" });
      case "withdraw":
        return html`<div class="field">
            <span class="label" id="withdraw-by">Withdraw by</span>
            <div class="radio-row" role="radiogroup" aria-labelledby="withdraw-by">
              ${(["amount", "units", "all"] as const).map(
                (by) => html`<label><input type="radio" name="by" value=${by} .checked=${this.withdrawBy === by}
                  @change=${() => ((this.withdrawBy = by), (this.typed = ""))} /> ${by === "all" ? "All units" : by === "amount" ? "Amount" : "Units"}</label>`,
              )}
            </div>
          </div>
          ${this.withdrawBy === "amount"
            ? field(f, { label: `Amount (${cur})`, name: "amount", inputmode: "decimal", error: fe.amount, hint: "Units redeemed are rounded up", onInput: this.onTyped })
            : this.withdrawBy === "units"
              ? field(f, { label: "Units", name: "units", inputmode: "decimal", error: fe.units, hint: "Cash paid is rounded down", onInput: this.onTyped })
              : fe.units
                ? html`<div class="error">${fe.units}</div>`
                : nothing}`;
      case "distribute":
        return html`${field(f, { label: `Total to distribute (${cur})`, name: "amount", inputmode: "decimal", error: fe.amount, hint: "Split pro rata by units; the shares sum exactly to the total" })}
        ${field(f, { label: "Memo (optional)", name: "memo", error: fe.memo, placeholder: "Q4 income" })}`;
      default:
        return html`<div class="inline">
            ${field(f, { label: "Symbol", name: "symbol", error: fe.symbol, placeholder: "ACME" })}
            <div class="field">
              <label for="money-side">Side</label>
              <select id="money-side" name="side"><option value="buy">Buy</option><option value="sell">Sell</option></select>
            </div>
          </div>
          <div class="inline">
            ${field(f, { label: "Quantity", name: "quantity", inputmode: "decimal", error: fe.quantity })}
            ${field(f, { label: `Price (${cur})`, name: "price", inputmode: "decimal", error: fe.price })}
            ${field(f, { label: `Fees (${cur})`, name: "fees", inputmode: "decimal", value: "0", error: fe.fees })}
          </div>
          ${field(f, { label: "Memo (optional)", name: "memo", error: fe.memo })}`;
    }
  }
}
customElement("pd-money-dialog", MoneyDialog);
