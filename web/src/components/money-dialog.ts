import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError, type FormErrors } from "./forms";
import { api, findInvestors, ownEntries, toasts } from "../context";
import { debounce } from "../lib/debounce";
import { ApiError, newIdempotencyKey } from "../lib/api";
import { compare, div, sign, sum, toString } from "../lib/decimal";
import { money, percent, price, units as fmtUnits } from "../lib/format";
import type { DistributionPreview, Entry, Investor, Pool } from "../lib/types";
import * as check from "../lib/validate";

export type MoneyMode = "contribute" | "withdraw" | "distribute" | "trade" | "add-investor";

const TITLES: Record<MoneyMode, string> = {
  contribute: "Record a contribution",
  withdraw: "Pay out a withdrawal",
  distribute: "Distribute cash",
  trade: "Record a trade",
  "add-investor": "Add an investor",
};

const PREVIEW_PAGE = 50;

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
  };
  declare pool: Pool | null;
  declare mode: MoneyMode;
  declare investor: Investor | null;
  declare errors: FormErrors;
  declare busy: boolean;
  declare preview: DistributionPreview | null;
  declare previewPage: number;
  declare choices: Investor[];
  declare withdrawBy: "amount" | "units";
  private key = "";
  private keyFor = "";

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
  }

  open(mode: MoneyMode, investor: Investor | null = null): void {
    this.mode = mode;
    this.investor = investor;
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

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const pool = this.pool;
    if (!pool) return;
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    const cur = pool.currency;
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
        const byUnits = this.withdrawBy === "units";
        fields = check.problems({
          investor_id: this.investorId(v) ? null : "Choose an investor",
          amount: byUnits ? null : check.amount(v.amount ?? "", cur),
          units: byUnits ? check.unitCount(v.units ?? "") : null,
        });
        path = `/pools/${pool.id}/withdrawals`;
        payload = byUnits ? { investor_id: this.investorId(v), units: v.units ?? "" } : { investor_id: this.investorId(v), amount: v.amount ?? "" };
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
      const result = await api.post<Entry | Investor>(path, payload, options);
      if (this.mode !== "add-investor") ownEntries.add(result.id);
      this.close();
      toasts.emit({ kind: "success", text: this.successText(result, pool) });
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
          ${this.investor ? html`<p class="muted small">For ${this.investor.name} · holds ${fmtUnits(this.investor.units)} units worth ${money(this.investor.value, cur)}</p>` : nothing}
          ${pool && (this.mode === "contribute" || this.mode === "withdraw")
            ? html`<p class="muted small">At today's NAV per unit of ${price(pool.nav_per_unit, cur)}. Cash available: ${money(pool.cash, cur)}.</p>`
            : nothing}
        </header>
        <div class="dialog-body stack">
          ${e.form ? html`<div class="form-error" role="alert">${e.form}</div>` : nothing}
          ${showPicker ? this.picker() : nothing}
          ${this.fields(f, cur)}
          ${this.mode === "distribute" && this.preview ? this.previewTable(cur) : nothing}
        </div>
        <footer>
          <button type="button" @click=${this.close}>Cancel</button>
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.submitLabel(cur)}</button>
        </footer>
      </form>
    </dialog>`;
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

  private picker() {
    const err = this.errors.fields.investor_id;
    return html`<div class="field">
      <label for="money-investor-search">Find investor</label>
      <input id="money-investor-search" type="search" placeholder="Name or email" @input=${this.onSearch} autocomplete="off" />
      <label for="money-investor_id">Investor</label>
      <select id="money-investor_id" name="investor_id" aria-invalid=${err ? "true" : "false"}>
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
              <label><input type="radio" name="by" value="amount" .checked=${this.withdrawBy === "amount"} @change=${() => (this.withdrawBy = "amount")} /> Amount</label>
              <label><input type="radio" name="by" value="units" .checked=${this.withdrawBy === "units"} @change=${() => (this.withdrawBy = "units")} /> Units</label>
            </div>
          </div>
          ${this.withdrawBy === "amount"
            ? field(f, { label: `Amount (${cur})`, name: "amount", inputmode: "decimal", error: fe.amount, hint: "Units redeemed are rounded up" })
            : field(f, { label: "Units", name: "units", inputmode: "decimal", error: fe.units, hint: "Cash paid is rounded down" })}`;
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

  private previewTable(cur: string) {
    const p = this.preview!;
    const pages = Math.max(1, Math.ceil(p.allocations.length / PREVIEW_PAGE));
    const shown = p.allocations.slice(this.previewPage * PREVIEW_PAGE, (this.previewPage + 1) * PREVIEW_PAGE);
    const total = toString(sum(p.allocations.map((a) => a.amount)));
    return html`<section aria-labelledby="preview-title" data-testid="distribution-preview">
      <h3 id="preview-title">Each investor's share</h3>
      <p class="muted small">${p.allocations.length} investors holding ${fmtUnits(p.units)} units. Check, then pay out.</p>
      <div class="table-wrap">
        <table aria-label="Distribution preview">
          <thead><tr><th>Investor</th><th class="num">Units</th><th class="num">Share</th><th class="num">Amount</th></tr></thead>
          <tbody>
            ${shown.map(
              (a) => html`<tr>
                <td>${a.name}</td>
                <td class="num">${fmtUnits(a.units)}</td>
                <td class="num">${percent(sign(p.units) === 0 ? "0" : div(a.units, p.units, 8), { digits: 4 })}</td>
                <td class="num">${money(a.amount, cur)}</td>
              </tr>`,
            )}
          </tbody>
          <tfoot><tr><th>Total</th><th></th><th></th><th class="num" data-testid="preview-total">${money(total, cur)}</th></tr></tfoot>
        </table>
      </div>
      ${pages > 1
        ? html`<div class="pager">
            <button type="button" ?disabled=${this.previewPage === 0} @click=${() => this.previewPage--}>Previous</button>
            <span class="small">Page ${this.previewPage + 1} of ${pages}</span>
            <button type="button" ?disabled=${this.previewPage >= pages - 1} @click=${() => this.previewPage++}>Next</button>
          </div>`
        : nothing}
    </section>`;
  }
}
customElement("pd-money-dialog", MoneyDialog);
