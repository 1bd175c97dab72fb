import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, findInvestors, liveMessages, toasts, whoAmI } from "../context";
import { debounce } from "../lib/debounce";
import { fileSafe } from "../lib/csv";
import { exportCsv } from "./export";
import { ENTRY_TYPES, dateTime, entryLabel, money, price, quantity, signedMoney, units as fmtUnits } from "../lib/format";
import { newIdempotencyKey } from "../lib/api";
import type { Approval, Entry, Investor, Page, Pool, WebhookEvent } from "../lib/types";

export function hashQuery(): URLSearchParams {
  const h = location.hash;
  const i = h.indexOf("?");
  return new URLSearchParams(i >= 0 ? h.slice(i + 1) : "");
}

/** Who an entry is about, by name: the answer carries it, as it was when recorded. */
export function investorName(e: Entry): string {
  return e.investor_name ?? e.investor_id ?? "";
}

/** What an entry says, in a fund manager's words. */
export function describe(e: Entry, pool: Pool, name: (e: Entry) => string = investorName): string {
  const cur = pool.currency;
  switch (e.type) {
    case "contribution":
      return `${name(e)} contributed ${money(e.amount ?? "0", cur)} for ${fmtUnits(e.units ?? "0")} units`;
    case "withdrawal":
      return `${name(e)} withdrew ${money(e.amount ?? "0", cur)}, redeeming ${fmtUnits(e.units ?? "0")} units${e.performance_fee ? ` (after a performance fee of ${money(e.performance_fee, cur)})` : ""}`;
    case "fees.crystallised":
      return `Performance fee of ${money(e.performance_fee ?? e.amount ?? "0", cur)} from ${name(e)}: ${fmtUnits(e.units ?? "0")} units cancelled at ${price(e.nav_per_unit ?? "0", cur)}`;
    case "fees.paid":
      return `Fees of ${money(e.amount ?? "0", cur)} paid to the manager${e.memo && e.memo.includes("still payable") ? ` (${e.memo.split("; ")[1]})` : ""}`;
    case "distribution":
      return `Distributed ${money(e.amount ?? "0", cur)} pro rata${e.memo ? ` (${e.memo})` : ""}`;
    case "trade":
      return `${e.side === "sell" ? "Sold" : "Bought"} ${quantity(e.quantity ?? "0")} ${e.symbol} at ${price(e.price ?? "0", cur)}${e.fees && e.fees !== "0" && !/^0*\.?0*$/.test(e.fees) ? `, fees ${money(e.fees, cur)}` : ""}`;
    case "dividend":
      return `Dividend ${money(e.amount ?? e.cash_delta, cur)}${e.symbol ? ` on ${e.symbol}` : ""}`;
    case "fee":
      return `Fee ${money(e.amount ?? e.cash_delta, cur)}${e.memo ? `: ${e.memo}` : ""}`;
    case "investor.added":
      return `${name(e)} joined the pool`;
    case "investor.removed":
      return `${name(e)} left the pool`;
    case "reversal":
      return `Reversed ${e.amount ? money(e.amount, cur) : "an entry"}${e.investor_id ? ` for ${name(e)}` : ""}: ${e.memo ?? ""}`;
    case "order.placed":
    case "order.cancelled":
      return `${entryLabel(e.type)} for ${name(e)}: ${e.memo ?? ""}`;
    case "valuation.proposed":
    case "valuation.approved":
      return `${entryLabel(e.type)}: NAV per unit ${price(e.nav_per_unit ?? "0", cur)} ${e.memo ?? ""}`;
    case "valuation.settled":
      return `Valuation settled ${e.memo ?? ""}`;
    default:
      return entryLabel(e.type) + (e.memo ? `: ${e.memo}` : "");
  }
}

const REVERSIBLE = new Set(["contribution", "withdrawal", "distribution", "trade", "dividend", "fee"]);

/** Whether a manager may try to reverse an entry (the API has the last word: balances, valuations). */
export function reversible(e: Entry): boolean {
  return REVERSIBLE.has(e.type) && !e.reversed_by && !e.valuation_id;
}

function label(i: Investor): string {
  return i.email ? `${i.name} <${i.email}>` : i.name;
}

export class ActivityPanel extends LightElement {
  static override properties = {
    pool: { attribute: false },
    canWrite: { type: Boolean },
    reversing: { state: true },
    items: { state: true },
    next: { state: true },
    type: { state: true },
    investorId: { state: true },
    loading: { state: true },
    parked: { state: true },
    filterName: { state: true },
    exporting: { state: true },
    fresh: { state: true },
    suggestions: { state: true },
  };
  declare pool: Pool;
  declare canWrite: boolean;
  /** The entry whose reversal form is open. */
  declare reversing: string;
  declare items: Entry[];
  declare next: string | null;
  declare type: string;
  declare investorId: string;
  declare loading: boolean;
  declare parked: WebhookEvent[];
  declare filterName: string;
  declare exporting: string;
  declare fresh: Set<string>;
  declare suggestions: Investor[];
  private off: (() => void) | null = null;
  private loadedFor = "";
  private myId = "";
  private loadSeq = 0;

  constructor() {
    super();
    this.canWrite = false;
    this.reversing = "";
    this.items = [];
    this.next = null;
    // Filters live in the URL, so a reload (or a shared link) shows the same list.
    this.type = hashQuery().get("type") ?? "";
    this.investorId = hashQuery().get("investor") ?? "";
    this.loading = false;
    this.parked = [];
    this.filterName = "";
    this.exporting = "";
    this.fresh = new Set();
    this.suggestions = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void whoAmI().then((me) => {
      this.myId = me.user_id;
      this.requestUpdate();
    }, () => undefined);
    this.off = liveMessages.on((m) => {
      if (m.pool_id !== this.pool?.id) return;
      if (m.type === "activity.created" && m.data.type === "reversal" && m.data.reverses) {
        // The original now names its reversal.
        const undone = m.data.reverses;
        this.items = this.items.map((e) => (e.id === undone ? { ...e, reversed_by: m.data.id } : e));
      }
      if (m.type === "activity.created" && this.shows(m.data) && !this.items.some((e) => e.id === m.data.id)) {
        this.items = [m.data, ...this.items];
        this.fresh = new Set([...this.fresh, m.data.id]);
        if (m.data.actor.startsWith("broker:")) void this.loadParked();
      }
      if (m.type === "subscribed") void this.load(false);
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    if (this.pool && this.loadedFor !== this.pool.id) {
      this.loadedFor = this.pool.id;
      void this.load(false);
      void this.loadParked();
    }
  }

  private shows(e: Entry): boolean {
    if (this.type && e.type !== this.type) return false;
    return !this.investorId || e.investor_id === this.investorId || e.type === "distribution";
  }

  private query(cursor: string | null, limit = 50): string {
    const q = new URLSearchParams({ limit: String(limit) });
    if (cursor) q.set("cursor", cursor);
    if (this.type) q.set("type", this.type);
    if (this.investorId) q.set("investor_id", this.investorId);
    return `/pools/${this.pool.id}/activity?${q}`;
  }

  async load(more: boolean): Promise<void> {
    const seq = ++this.loadSeq; // a filter changed mid-load: only the newest answer shows
    this.loading = true;
    try {
      const page = await api.get<Page<Entry>>(this.query(more ? this.next : null));
      if (seq !== this.loadSeq) return;
      if (more) this.items = [...this.items, ...page.items];
      else {
        // Entries pushed while this read was on its way are newer than its first row: keep them on top.
        const fetched = new Set(page.items.map((e) => e.id));
        const newest = page.items[0]?.created_at ?? "";
        const pushed = this.items.filter((e) => !fetched.has(e.id) && e.created_at > newest && this.shows(e));
        this.items = [...pushed, ...page.items];
      }
      this.next = page.next_cursor;
      void this.nameFilter(page.items);
    } catch (exc) {
      if (seq === this.loadSeq) toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }

  private async loadParked(): Promise<void> {
    try {
      const page = await api.get<Page<WebhookEvent>>(`/pools/${this.pool.id}/webhook-events?limit=50`);
      this.parked = page.items.filter((e) => e.status === "parked");
    } catch {
      this.parked = [];
    }
  }

  /** The filtered investor's name: from the list when it shows them, else read once. */
  private async nameFilter(entries: Entry[]): Promise<void> {
    if (!this.investorId || this.filterName) return;
    const named = entries.find((e) => e.investor_id === this.investorId && e.investor_name);
    if (named?.investor_name) {
      this.filterName = named.investor_name;
      return;
    }
    try {
      this.filterName = (await api.get<Investor>(`/pools/${this.pool.id}/investors/${this.investorId}`)).name;
    } catch {
      this.filterName = this.investorId;
    }
  }

  /** Who recorded an entry: you, a brokerage, or the person by name and email. */
  private actorName(e: Entry): string {
    if (e.actor === this.myId) return "You";
    if (e.actor_name) return e.actor_name;
    return e.actor.startsWith("broker:") ? `Brokerage ${e.actor.slice(7)}` : e.actor;
  }

  private keepFilters(): void {
    const q = new URLSearchParams();
    if (this.investorId) q.set("investor", this.investorId);
    if (this.type) q.set("type", this.type);
    const query = q.toString();
    history.replaceState(null, "", `#/pools/${this.pool.id}/activity${query ? `?${query}` : ""}`);
  }

  private setType(e: Event): void {
    this.type = (e.target as HTMLSelectElement).value;
    this.keepFilters();
    void this.load(false);
  }

  /** Suggest investors as the user types; picking one filters the activity to them. */
  private onInvestorInput(e: InputEvent): void {
    const input = e.target as HTMLInputElement;
    const value = input.value.trim();
    const picked = this.suggestions.find((i) => label(i) === value);
    if (picked) {
      this.filterName = picked.name;
      this.investorId = picked.id;
      input.value = "";
      this.keepFilters();
      void this.load(false);
      return;
    }
    this.suggestSoon(value);
  }

  private suggestSoon = debounce(async (q: string) => (this.suggestions = await findInvestors(this.pool.id, q, 20)), 200);

  private clearInvestor(): void {
    this.investorId = "";
    this.filterName = "";
    this.keepFilters();
    void this.load(false);
  }

  private exportCsv(): Promise<void> {
    // Names travel with each entry: no request per investor or per person.
    return exportCsv<Entry>(this, {
      page: (cursor) => this.query(cursor, 200),
      header: [
        "entry_id", "created_at", "type", "investor_id", "investor", "amount", "units", "nav_per_unit", "cash_delta",
        "symbol", "side", "quantity", "price", "fees", "memo", "recorded_by_id", "recorded_by", "currency",
        "trade_date", "reverses", "reversed_by", "order_id", "valuation_id",
      ],
      row: (e) => [
        e.id, e.created_at, e.type, e.investor_id, e.investor_id ? investorName(e) : "", e.amount, e.units, e.nav_per_unit,
        e.cash_delta, e.symbol, e.side, e.quantity, e.price, e.fees, e.memo, e.actor, this.actorName(e), this.pool.currency,
        e.trade_date, e.reverses, e.reversed_by, e.order_id, e.valuation_id,
      ],
      filename: `${fileSafe(this.pool.name)}-activity.csv`,
    });
  }

  private async reverse(e: Entry, ev: SubmitEvent): Promise<void> {
    ev.preventDefault();
    const reason = (new FormData(ev.target as HTMLFormElement).get("reason") ?? "").toString().trim();
    if (!reason) {
      toasts.emit({ kind: "error", text: "Say why the entry is reversed" });
      return;
    }
    try {
      const done = await api.post<Entry | Approval>(`/pools/${this.pool.id}/entries/${e.id}/reverse`, { reason }, { idempotencyKey: newIdempotencyKey() });
      this.reversing = "";
      if ("approval_id" in done) toasts.emit({ kind: "info", text: `Held for finance's approval: ${done.why}` });
      else {
        toasts.emit({ kind: "success", text: `Reversed: ${describe(e, this.pool)}` });
        this.items = this.items.map((x) => (x.id === e.id ? { ...x, reversed_by: done.id } : x));
        this.dispatchEvent(new CustomEvent("changed", { bubbles: true }));
      }
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private reverseForm(e: Entry) {
    return html`<tr class="reverse-row" data-reverse-for=${e.id}><td colspan="6">
      <form class="inline" @submit=${(ev: SubmitEvent) => this.reverse(e, ev)}>
        <label for="reverse-reason-${e.id}">Why reverse it?</label>
        <input id="reverse-reason-${e.id}" name="reason" maxlength="500" placeholder="e.g. keyed in twice" style="flex: 1" />
        <button type="submit" class="danger">Reverse entry</button>
        <button type="button" @click=${() => (this.reversing = "")}>Keep it</button>
      </form>
      <p class="muted small">A reversal entry undoes it; the ledger is never edited.</p>
    </td></tr>`;
  }

  protected override render() {
    const cur = this.pool?.currency ?? "USD";
    return html`
      ${this.parked.length
        ? html`<section class="panel" aria-labelledby="parked-title" style="margin-bottom: 1rem">
            <header><h2 id="parked-title">Parked brokerage events</h2><span class="badge parked">${this.parked.length}</span></header>
            <div class="table-wrap">
              <table aria-label="Parked brokerage events">
                <thead><tr><th>Received</th><th>Broker</th><th>Event</th><th>Reason</th></tr></thead>
                <tbody>
                  ${this.parked.map(
                    (p) => html`<tr data-testid="parked-event">
                      <td class="small">${dateTime(p.received_at)}</td>
                      <td>${p.broker}</td>
                      <td><span class="badge parked">parked</span> ${p.type} <span class="muted small">${p.event_id}</span></td>
                      <td>${p.reason}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>
            </div>
          </section>`
        : nothing}
      <section class="panel" aria-labelledby="activity-title">
        <header>
          <h2 id="activity-title">Activity</h2>
          <span class="muted small">Newest first, live</span>
          <span class="spacer"></span>
          ${this.investorId
            ? html`<span class="badge" data-testid="investor-filter">Investor: ${this.filterName || this.investorId}
                <button class="link" type="button" @click=${this.clearInvestor} aria-label="Show every investor">×</button></span>`
            : nothing}
          <label class="sr-only" for="activity-investor">Filter by investor</label>
          <input id="activity-investor" type="search" list="activity-investor-list" placeholder="Filter by investor" style="max-width: 200px"
            @input=${this.onInvestorInput} @focus=${this.onInvestorInput} autocomplete="off" />
          <datalist id="activity-investor-list">${this.suggestions.map((i) => html`<option value=${label(i)}></option>`)}</datalist>
          <label class="sr-only" for="activity-type">Type</label>
          <select id="activity-type" style="max-width: 200px" @change=${this.setType} .value=${this.type}>
            <option value="">All types</option>
            ${ENTRY_TYPES.map((t) => html`<option value=${t} ?selected=${t === this.type}>${entryLabel(t)}</option>`)}
          </select>
          <button type="button" @click=${this.exportCsv} ?disabled=${!!this.exporting}>${this.exporting || "Export CSV"}</button>
        </header>
        <div class="table-wrap">
          <table aria-label="Activity">
            <thead>
              <tr><th>When</th><th>Type</th><th>What happened</th><th class="num">Cash</th><th class="hide-narrow">By</th>${this.canWrite ? html`<th><span class="sr-only">Correct</span></th>` : nothing}</tr>
            </thead>
            <tbody>
              ${this.items.map(
                (e) => html`<tr data-entry-id=${e.id} data-type=${e.type} class=${this.fresh.has(e.id) ? "flash" : ""}>
                  <td class="small">${dateTime(e.created_at)}${e.trade_date && e.trade_date !== e.created_at.slice(0, 10) ? html`<div class="muted">traded ${e.trade_date}</div>` : nothing}</td>
                  <td>
                    <span class="badge">${entryLabel(e.type)}</span>
                    ${e.reversed_by ? html`<span class="badge closed" data-testid="reversed" title="Undone by a reversal entry">reversed</span>` : nothing}
                    ${e.actor.startsWith("broker:") ? html`<span class="badge webhook" title="Posted by the brokerage">webhook</span>` : nothing}
                  </td>
                  <td>${describe(e, this.pool)}</td>
                  <td class="num ${e.cash_delta.startsWith("-") ? "down" : /^0*\.?0*$/.test(e.cash_delta) ? "muted" : "up"}">${signedMoney(e.cash_delta, cur)}</td>
                  <td class="small muted hide-narrow" data-testid="recorded-by">${this.actorName(e)}</td>
                  ${this.canWrite
                    ? html`<td>${reversible(e) ? html`<button type="button" class="link" @click=${() => (this.reversing = e.id)}>Reverse</button>` : nothing}</td>`
                    : nothing}
                </tr>${this.reversing === e.id ? this.reverseForm(e) : nothing}`,
              )}
            </tbody>
          </table>
          ${!this.loading && this.items.length === 0 ? html`<div class="empty">No activity matches.</div>` : nothing}
        </div>
        <div class="pager">
          ${this.loading ? html`<span class="muted small">Loading…</span>` : nothing}
          ${this.next ? html`<button type="button" @click=${() => this.load(true)}>Show older</button>` : nothing}
        </div>
      </section>
    `;
  }
}
customElement("pd-activity", ActivityPanel);
