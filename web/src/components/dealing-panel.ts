import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError, type FormErrors } from "./forms";
import { api, findInvestors, liveMessages, toasts } from "../context";
import { newIdempotencyKey } from "../lib/api";
import { byDealingDay } from "../lib/dealing";
import { date, dateTime, money, percent, price, units as fmtUnits } from "../lib/format";
import { plainAmount, plainNumber } from "../lib/typed";
import type { Dealing, Investor, Order, Page, Pool, Valuation } from "../lib/types";
import * as check from "../lib/validate";

const NONE: FormErrors = { fields: {}, form: "" };
// Pushes that change the orders or valuations shown.
const DEALING_ENTRIES = new Set(["order.placed", "order.cancelled", "valuation.proposed", "valuation.approved", "valuation.rejected"]);

/** A forward pool's dealing: open orders by dealing day, placing and cancelling them, and its valuations. */
export class DealingPanel extends LightElement {
  static override properties = {
    pool: { attribute: false },
    canWrite: { type: Boolean },
    policy: { state: true },
    orders: { state: true },
    valuations: { state: true },
    investors: { state: true },
    kind: { state: true },
    errors: { state: true },
    busy: { state: true },
  };
  declare pool: Pool;
  declare canWrite: boolean;
  declare policy: Dealing | null;
  declare orders: Order[];
  declare valuations: Valuation[];
  declare investors: Investor[];
  declare kind: "subscription" | "redemption-amount" | "redemption-units";
  declare errors: FormErrors;
  declare busy: boolean;
  private loadedFor = "";
  private off: (() => void) | null = null;

  constructor() {
    super();
    this.canWrite = false;
    this.policy = null;
    this.orders = [];
    this.valuations = [];
    this.investors = [];
    this.kind = "subscription";
    this.errors = NONE;
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = liveMessages.on((m) => {
      if (m.pool_id !== this.pool?.id) return;
      if (m.type === "subscribed" || (m.type === "activity.created" && (DEALING_ENTRIES.has(m.data.type) || m.data.order_id))) {
        void this.load();
      }
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    if (this.pool && this.loadedFor !== this.pool.id) {
      this.loadedFor = this.pool.id;
      void this.load();
      void findInvestors(this.pool.id, "", 200).then((found) => (this.investors = found.filter((i) => i.status === "active")));
    }
  }

  async load(): Promise<void> {
    const id = this.pool.id;
    try {
      const [policy, pending, carried, valuations] = await Promise.all([
        api.get<Dealing>(`/pools/${id}/dealing`),
        api.get<Page<Order>>(`/pools/${id}/orders?status=pending&limit=200`),
        api.get<Page<Order>>(`/pools/${id}/orders?status=carried&limit=200`),
        api.get<Page<Valuation>>(`/pools/${id}/valuations?limit=20`),
      ]);
      this.policy = policy;
      this.orders = [...carried.items, ...pending.items];
      this.valuations = valuations.items;
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async place(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    const cur = this.pool.currency;
    const byUnits = this.kind === "redemption-units";
    const size = byUnits ? plainNumber(v.units ?? "") : plainAmount(v.amount ?? "", cur);
    const fields = check.problems({
      investor_id: v.investor_id ? null : "Choose an investor",
      amount: byUnits ? null : check.amount(size, cur),
      units: byUnits ? check.unitCount(size) : null,
    });
    this.errors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    const body = {
      investor_id: v.investor_id,
      type: this.kind === "subscription" ? "subscription" : "redemption",
      ...(byUnits ? { units: size } : { amount: size }),
    };
    this.busy = true;
    try {
      const placed = await api.post<Order>(`/pools/${this.pool.id}/orders`, body, { idempotencyKey: newIdempotencyKey() });
      toasts.emit({ kind: "success", text: `Order placed for ${placed.investor_name}: deals ${placed.dealing_date ? `on ${date(placed.dealing_date)}` : "at the next valuation"}` });
      // Keep the investor and kind for the next order; clear only the size.
      for (const name of ["amount", "units"]) {
        const input = form.elements.namedItem(name) as HTMLInputElement | null;
        if (input) input.value = "";
      }
      await this.load();
    } catch (exc) {
      this.errors = fromApiError(exc, ["investor_id", "amount", "units"]);
    } finally {
      this.busy = false;
    }
  }

  private async cancel(o: Order): Promise<void> {
    if (!confirm(`Cancel ${o.investor_name}'s ${o.type}?`)) return;
    try {
      await api.delete<Order>(`/pools/${this.pool.id}/orders/${o.id}`);
      toasts.emit({ kind: "success", text: `Cancelled ${o.investor_name}'s ${o.type}` });
      await this.load();
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async propose(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    this.busy = true;
    try {
      const body = v.dealing_date ? { dealing_date: v.dealing_date } : {};
      const proposed = await api.post<Valuation>(`/pools/${this.pool.id}/valuations`, body, { idempotencyKey: newIdempotencyKey() });
      location.hash = `#/pools/${this.pool.id}/valuations/${proposed.id}`;
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      this.busy = false;
    }
  }

  private asked(o: Order): string {
    const cur = this.pool.currency;
    return o.amount !== null ? money(o.amount, cur) : `${fmtUnits(o.units ?? "0")} units`;
  }

  protected override render() {
    const p = this.pool;
    const policy = this.policy;
    if (!policy) return html`<div class="empty">Loading dealing…</div>`;
    if (policy.mode === "instant") {
      return html`<section class="panel"><div class="empty"><h2>This pool deals at once</h2>
        <p>Contributions and withdrawals move money immediately at the live NAV. To take orders that deal at a NAV struck and approved for each dealing day,
        set forward dealing in <a href="#/pools/${p.id}/settings">Settings</a>.</p></div></section>`;
    }
    const cur = p.currency;
    const days = byDealingDay(this.orders, p, policy.gate);
    const inHand = this.valuations.find((v) => v.id === p.valuation_id);
    const e = this.errors;
    return html`
      <p class="muted small" data-testid="dealing-summary">Dealing: ${policy.summary}.</p>
      ${inHand
        ? html`<div class="closed-note" data-testid="valuation-in-hand">
            A valuation for ${date(inHand.dealing_date)} is ${inHand.status === "proposed" ? "awaiting finance's approval" : "settling"}:
            NAV per unit ${price(inHand.nav_per_unit, cur)}. <a href="#/pools/${p.id}/valuations/${inHand.id}">Open the valuation</a>
          </div>`
        : nothing}
      <div class="grid-2">
        <section class="panel" aria-labelledby="orders-title">
          <header><h2 id="orders-title">Open orders</h2><span class="muted small">By dealing day; the gate's effect at today's indicative NAV</span></header>
          <div class="table-wrap">
            <table aria-label="Open orders">
              <thead><tr><th>Investor</th><th>Order</th><th class="num">Asked</th><th>Received</th>${this.canWrite ? html`<th><span class="sr-only">Actions</span></th>` : nothing}</tr></thead>
              ${days.map(
                (d) => html`<tbody>
                  <tr class="group" data-testid="dealing-day"><th colspan=${this.canWrite ? 5 : 4} scope="rowgroup">
                    ${d.day ? `Dealing ${date(d.day)}` : "At the next valuation"} · subscriptions ${money(d.subscriptions, cur)} · redemptions about ${money(d.redemptions, cur)}
                    ${d.gateFraction ? html` · <span class="badge parked" data-testid="gate-forecast">gate: each paid about ${percent(d.gateFraction)}, the rest carried</span>` : nothing}
                  </th></tr>
                  ${d.orders.map(
                    (o) => html`<tr data-order-id=${o.id}>
                      <td>${o.investor_name}</td>
                      <td><span class="badge">${o.type}</span>${o.status === "carried" ? html` <span class="badge parked" title="Part was paid; the rest keeps its place in the queue">carried</span>` : nothing}</td>
                      <td class="num">${this.asked(o)}</td>
                      <td class="small">${dateTime(o.received_at)}</td>
                      ${this.canWrite ? html`<td><button type="button" class="link" @click=${() => this.cancel(o)}>Cancel</button></td>` : nothing}
                    </tr>`,
                  )}
                </tbody>`,
              )}
            </table>
            ${days.length === 0 ? html`<div class="empty">No open orders.</div>` : nothing}
          </div>
        </section>
        ${this.canWrite && p.status === "open"
          ? html`<section class="panel" aria-labelledby="order-title">
              <header><h2 id="order-title">Place an order</h2></header>
              <form class="body stack" @submit=${this.place} novalidate>
                ${e.form ? html`<div class="form-error" role="alert">${e.form}</div>` : nothing}
                <div class="field">
                  <label for="order-investor_id">Investor</label>
                  <select id="order-investor_id" name="investor_id" aria-invalid=${e.fields.investor_id ? "true" : "false"}>
                    <option value="">Choose…</option>
                    ${this.investors.map((i) => html`<option value=${i.id}>${i.name}</option>`)}
                  </select>
                  ${e.fields.investor_id ? html`<div class="error">${e.fields.investor_id}</div>` : nothing}
                </div>
                <fieldset class="inline"><legend>Order</legend>
                  ${(["subscription", "redemption-amount", "redemption-units"] as const).map(
                    (k) => html`<label class="choice"><input type="radio" name="kind" .checked=${this.kind === k} @change=${() => (this.kind = k)} />
                      ${k === "subscription" ? "Subscribe" : k === "redemption-amount" ? "Redeem an amount" : "Redeem units"}</label>`,
                  )}
                </fieldset>
                ${this.kind === "redemption-units"
                  ? field("order", { label: "Units", name: "units", inputmode: "decimal", error: e.fields.units })
                  : field("order", { label: `Amount (${cur})`, name: "amount", inputmode: "decimal", error: e.fields.amount })}
                <div><button class="primary" type="submit" ?disabled=${this.busy}>Place order</button></div>
              </form>
            </section>`
          : nothing}
      </div>
      <section class="panel" aria-labelledby="valuations-title" style="margin-top: 1rem">
        <header>
          <h2 id="valuations-title">Valuations</h2><span class="muted small">Official NAVs are struck from the day's prices and approved by finance</span>
        </header>
        ${this.canWrite && p.status === "open" && !p.valuation_id
          ? html`<form class="body inline" @submit=${this.propose}>
              <div class="field"><label for="propose-date">Dealing day</label>
                <input id="propose-date" name="dealing_date" type="date" aria-describedby="propose-date-hint" style="max-width: 220px" />
                <div class="hint" id="propose-date-hint">Empty: the latest dealing day whose cut-off has passed</div></div>
              <button class="primary" type="submit" ?disabled=${this.busy}>Propose valuation</button>
            </form>`
          : nothing}
        <div class="table-wrap">
          <table aria-label="Valuations">
            <thead><tr><th>Dealing day</th><th>Status</th><th class="num">NAV per unit</th><th class="num">NAV</th><th class="hide-narrow">Proposed by</th><th class="hide-narrow">Decided by</th></tr></thead>
            <tbody>
              ${this.valuations.map(
                (v) => html`<tr data-valuation-id=${v.id}>
                  <td><a href="#/pools/${p.id}/valuations/${v.id}">${date(v.dealing_date)}</a></td>
                  <td><span class="badge ${v.status === "locked" ? "open" : v.status === "rejected" ? "closed" : ""}">${v.status === "locked" ? "approved" : v.status}</span></td>
                  <td class="num">${price(v.nav_per_unit, cur)}</td>
                  <td class="num">${money(v.nav, cur)}</td>
                  <td class="small hide-narrow">${v.proposed_by_name ?? v.proposed_by}</td>
                  <td class="small hide-narrow">${v.decided_by_name ?? v.decided_by ?? ""}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${this.valuations.length === 0 ? html`<div class="empty">No valuations yet.</div>` : nothing}
        </div>
      </section>
    `;
  }
}
customElement("pd-dealing", DealingPanel);
