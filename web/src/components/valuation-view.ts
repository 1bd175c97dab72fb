import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, liveMessages, live, toasts, whoAmI } from "../context";
import { ApiError, newIdempotencyKey } from "../lib/api";
import { date, dateTime, money, percent, price, quantity, units as fmtUnits } from "../lib/format";
import type { Order, Page, Pool, Valuation } from "../lib/types";

/** A valuation before anyone approves it: the struck NAV, its frozen prices and every order's units;
 * finance approves (never the proposer) or rejects it, saying why. */
export class ValuationView extends LightElement {
  static override properties = {
    poolId: {},
    valuationId: {},
    role: {},
    pool: { state: true },
    valuation: { state: true },
    names: { state: true },
    error: { state: true },
    busy: { state: true },
    myId: { state: true },
  };
  declare poolId: string;
  declare valuationId: string;
  declare role: string;
  declare pool: Pool | null;
  declare valuation: Valuation | null;
  declare names: Map<string, string>;
  declare error: string;
  declare busy: boolean;
  declare myId: string;
  private loadedFor = "";
  private off: (() => void) | null = null;

  constructor() {
    super();
    this.poolId = "";
    this.valuationId = "";
    this.role = "";
    this.pool = null;
    this.valuation = null;
    this.names = new Map();
    this.error = "";
    this.busy = false;
    this.myId = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void whoAmI().then((me) => (this.myId = me.user_id), () => undefined);
    this.off = liveMessages.on((m) => {
      if (m.pool_id === this.poolId && m.type === "activity.created" && m.data.valuation_id === this.valuationId) void this.load();
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    if (this.loadedFor) live.forget(this.poolId);
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    const key = `${this.poolId}/${this.valuationId}`;
    if (this.poolId && this.valuationId && this.loadedFor !== key) {
      this.loadedFor = key;
      live.subscribe(this.poolId);
      void this.load();
    }
  }

  private async load(): Promise<void> {
    try {
      const [pool, valuation, orders] = await Promise.all([
        api.get<Pool>(`/pools/${this.poolId}`),
        api.get<Valuation>(`/pools/${this.poolId}/valuations/${this.valuationId}`),
        api.get<Page<Order>>(`/pools/${this.poolId}/orders?limit=200`),
      ]);
      this.pool = pool;
      this.valuation = valuation;
      this.names = new Map(orders.items.map((o) => [o.id, o.investor_name]));
    } catch (exc) {
      this.error = exc instanceof ApiError && exc.status === 404 ? "This valuation does not exist, or is not yours to see." : (exc as Error).message;
    }
  }

  private async approve(): Promise<void> {
    const v = this.valuation;
    if (!v || !confirm(`Approve NAV per unit ${v.nav_per_unit} for ${date(v.dealing_date)}? Every order of the day settles at it.`)) return;
    this.busy = true;
    try {
      this.valuation = await api.post<Valuation>(`/pools/${this.poolId}/valuations/${v.id}/approve`, undefined, { idempotencyKey: newIdempotencyKey() });
      toasts.emit({ kind: "success", text: `Approved: ${this.valuation.orders.length} orders settled` });
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      this.busy = false;
    }
  }

  private async reject(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const reason = (new FormData(e.target as HTMLFormElement).get("reason") ?? "").toString().trim();
    if (!reason) {
      toasts.emit({ kind: "error", text: "Say why the valuation is rejected" });
      return;
    }
    this.busy = true;
    try {
      this.valuation = await api.post<Valuation>(`/pools/${this.poolId}/valuations/${this.valuationId}/reject`, { reason });
      toasts.emit({ kind: "success", text: "Rejected: its orders wait for the next proposal" });
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      this.busy = false;
    }
  }

  /** The fees the valuation charges, shown before finance approves it (nothing for a pool without fees). */
  private feesBlock(v: Valuation, cur: string) {
    const f = v.fees;
    const charged = [f.management_fee, f.performance_fee_accrued, f.performance_fee_crystallising, f.fees_payable_before].some((x) => Number(x) !== 0);
    if (!charged) return nothing;
    return html`<section class="panel" aria-labelledby="valuation-fees-title" style="margin-bottom: 1rem">
      <header><h2 id="valuation-fees-title">Fees</h2><span class="muted small">${f.crystallises ? "A crystallisation day: performance fees are collected once the orders settle" : "Performance fees accrue; they are collected at the period's end or on redemption"}</span></header>
      <div class="figures">
        <div class="figure"><div class="label">Before fees</div><div class="value">${money(f.gross_assets, cur)}</div><div class="sub muted">cash and positions at these prices</div></div>
        <div class="figure"><div class="label">Fees payable before</div><div class="value">${money(f.fees_payable_before, cur)}</div></div>
        <div class="figure"><div class="label">Management fee (${f.days} days)</div><div class="value" data-testid="valuation-management-fee">${money(f.management_fee, cur)}</div><div class="sub muted">taken off the NAV above</div></div>
        <div class="figure"><div class="label">Performance fee accrued</div><div class="value" data-testid="valuation-performance-accrued">${money(f.performance_fee_accrued, cur)}</div>
          <div class="sub muted">${f.crystallises ? html`<span data-testid="valuation-crystallising">${money(f.performance_fee_crystallising, cur)} crystallises</span>` : "not collected today"}${Number(f.performance_fee_on_redemptions) ? html` · ${money(f.performance_fee_on_redemptions, cur)} from redemptions` : nothing}</div></div>
      </div>
    </section>`;
  }

  protected override render() {
    if (this.error) return html`<div class="panel"><div class="empty"><h2>Valuation not available</h2><p>${this.error}</p><a href="#/pools">Back to pools</a></div></div>`;
    const v = this.valuation;
    const p = this.pool;
    if (!v || !p) return html`<div class="empty">Loading valuation…</div>`;
    const cur = p.currency;
    const status = v.status === "locked" ? "approved" : v.status;
    const mine = v.proposed_by === this.myId;
    return html`
      <div class="page-head">
        <div>
          <div class="crumbs"><a href="#/pools">Pools</a> / <a href="#/pools/${p.id}/dealing">${p.name}</a> /</div>
          <h1>Valuation for ${date(v.dealing_date)} <span class="badge ${v.status === "locked" ? "open" : v.status === "rejected" ? "closed" : ""}" data-testid="valuation-status">${status}</span></h1>
          <p class="muted small">Proposed by ${v.proposed_by_name ?? v.proposed_by} at ${dateTime(v.proposed_at)}${v.decided_at ? html` · ${status} by ${v.decided_by_name ?? v.decided_by} at ${dateTime(v.decided_at)}` : nothing}${v.reason ? html` · “${v.reason}”` : nothing}</p>
        </div>
        <span class="spacer"></span>
        ${v.status === "proposed" && this.role === "finance"
          ? html`<div class="button-row" role="group" aria-label="Decide">
              <button type="button" class="primary" ?disabled=${this.busy || mine} @click=${this.approve}>Approve</button>
              <form class="inline" @submit=${this.reject}>
                <label class="sr-only" for="reject-reason">Reason</label>
                <input id="reject-reason" name="reason" placeholder="Why reject?" maxlength="500" />
                <button type="submit" class="danger" ?disabled=${this.busy}>Reject</button>
              </form>
            </div>`
          : v.status === "proposed"
            ? html`<span class="badge" data-testid="awaiting">Awaiting finance's approval</span>`
            : nothing}
      </div>
      ${v.warnings.length
        ? html`<div class="closed-note" role="note" data-testid="valuation-warnings"><strong>Check before approving:</strong><ul>${v.warnings.map((w) => html`<li>${w}</li>`)}</ul></div>`
        : nothing}
      <div class="figures">
        <div class="figure"><div class="label">NAV per unit</div><div class="value" data-testid="struck-nav-per-unit">${price(v.nav_per_unit, cur)}</div>
          <div class="sub muted" data-testid="struck-exact">exactly ${v.nav_per_unit} ${cur}</div></div>
        <div class="figure"><div class="label">NAV</div><div class="value" data-testid="struck-nav">${money(v.nav, cur)}</div></div>
        <div class="figure"><div class="label">Units</div><div class="value">${fmtUnits(v.units)}</div></div>
        <div class="figure"><div class="label">Cash</div><div class="value">${money(v.cash, cur)}</div></div>
      </div>
      ${this.feesBlock(v, cur)}
      <div class="grid-2">
        <section class="panel" aria-labelledby="prices-title">
          <header><h2 id="prices-title">Prices, frozen</h2><span class="muted small">The orders settle at exactly these</span></header>
          <div class="table-wrap"><table aria-label="Prices">
            <thead><tr><th>Symbol</th><th class="num">Quantity</th><th class="num">Price</th><th>Priced</th><th class="num">Market value</th></tr></thead>
            <tbody>${v.positions.map(
              (pos) => html`<tr><td><strong>${pos.symbol}</strong></td><td class="num">${quantity(pos.quantity)}</td><td class="num">${price(pos.price, cur)}</td>
                <td class="small">${pos.priced_at ? dateTime(pos.priced_at) : "by a trade"}</td><td class="num">${money(pos.market_value, cur)}</td></tr>`,
            )}
            <tr><td>Cash</td><td></td><td></td><td></td><td class="num">${money(v.cash, cur)}</td></tr></tbody>
          </table></div>
        </section>
        <section class="panel" aria-labelledby="settle-title">
          <header><h2 id="settle-title">Orders of the day</h2><span class="muted small">${v.status === "locked" ? "Settled at this NAV" : "What each would settle at"}</span></header>
          <div class="table-wrap"><table aria-label="Orders of the day">
            <thead><tr><th>Investor</th><th>Order</th><th class="num">Cash</th><th class="num">Units</th><th class="num">Fee</th><th class="num">Performance fee</th></tr></thead>
            <tbody>${v.orders.map(
              (s) => html`<tr data-order-id=${s.id}><td>${this.names.get(s.id) ?? s.investor_id}</td>
                <td><span class="badge">${s.type}</span>${s.gated ? html` <span class="badge parked" title="The gate paid this share; the rest is carried">gated ${percent(s.fraction)}</span>` : nothing}</td>
                <td class="num">${money(s.amount, cur)}</td><td class="num" data-testid="settled-units">${fmtUnits(s.units)}</td><td class="num">${money(s.fee, cur)}</td><td class="num">${money(s.performance_fee, cur)}</td></tr>`,
            )}</tbody>
          </table>${v.orders.length === 0 ? html`<div class="empty">No orders deal on this day.</div>` : nothing}</div>
        </section>
      </div>
    `;
  }
}
customElement("pd-valuation", ValuationView);
