import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, toasts } from "../context";
import { ApiError, newIdempotencyKey } from "../lib/api";
import { date, dateTime, money, percent, price, signedMoney, units as fmtUnits } from "../lib/format";
import { myEntryLabel, myOrder, myWithdrawal, type OrderBy, type OrderType } from "../lib/portal";
import type { Period } from "../lib/router";
import type { MyEntry, MyPool, Order, Page, Statement, WithdrawalRequest } from "../lib/types";
import { periodForm, periodQuery, statementArticle } from "./statement-view";
import "./index-chart";

/** One of an investor's holdings: its figures, the pool's index, their own orders (a forward
 * pool), their own activity and their statement for a period. Nothing of other investors'. */
export class HoldingView extends LightElement {
  static override properties = {
    poolId: {},
    period: { attribute: false },
    mine: { state: true },
    orders: { state: true },
    activity: { state: true },
    statement: { state: true },
    failed: { state: true },
    orderType: { state: true },
    orderBy: { state: true },
    problem: { state: true },
    requests: { state: true },
  };
  declare requests: WithdrawalRequest[];
  declare poolId: string;
  declare period: Period | undefined;
  declare mine: MyPool | null;
  declare orders: Order[];
  declare activity: MyEntry[];
  declare statement: Statement | null;
  declare failed: string;
  declare orderType: OrderType;
  declare orderBy: OrderBy;
  declare problem: { text: string; field: string } | null;
  private loadedFor = "";

  constructor() {
    super();
    this.poolId = "";
    this.period = undefined;
    this.mine = null;
    this.orders = [];
    this.activity = [];
    this.statement = null;
    this.failed = "";
    this.orderType = "subscription";
    this.orderBy = "amount";
    this.problem = null;
    this.requests = [];
  }

  protected override willUpdate(): void {
    const key = `${this.poolId}${periodQuery(this.period)}`;
    if (this.poolId && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    const base = `/me/pools/${encodeURIComponent(this.poolId)}`;
    try {
      const [mine, orders, activity, statement] = await Promise.all([
        api.get<MyPool>(base),
        api.get<Page<Order>>(`${base}/orders?limit=100`),
        api.get<Page<MyEntry>>(`${base}/activity?limit=100`),
        api.get<Statement>(`${base}/statement${periodQuery(this.period)}`),
      ]);
      const requests = mine.holding.pool.dealing_mode === "instant" ? (await api.get<Page<WithdrawalRequest>>(`${base}/withdrawal-requests?limit=100`)).items : [];
      Object.assign(this, { mine, orders: orders.items, activity: activity.items, statement, requests, failed: "" });
    } catch (exc) {
      this.failed = exc instanceof ApiError && exc.status === 404 ? "You hold nothing in this pool." : (exc as Error).message;
    }
  }

  private async place(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = String(new FormData(form).get("value") ?? "");
    const checked = myOrder(this.orderType, this.orderBy, value, this.mine!.holding.pool.currency);
    if ("problem" in checked) {
      this.problem = { text: checked.problem, field: checked.field };
      return;
    }
    this.problem = null;
    try {
      const placed = await api.post<Order>(`/me/pools/${encodeURIComponent(this.poolId)}/orders`, checked.body, { idempotencyKey: newIdempotencyKey() });
      toasts.emit({ kind: "success", text: `Your ${placed.type} is placed: it deals ${placed.dealing_date ? `on ${date(placed.dealing_date)}` : "at the next valuation"}` });
      form.reset();
      void this.load();
    } catch (exc) {
      const err = exc as ApiError;
      this.problem = { text: err.message, field: err.field ?? "" };
    }
  }

  private async ask(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const value = String(new FormData(form).get("value") ?? "");
    const checked = myWithdrawal(this.orderBy, value, this.mine!.holding.pool.currency);
    if ("problem" in checked) {
      this.problem = { text: checked.problem, field: checked.field };
      return;
    }
    this.problem = null;
    try {
      await api.post<WithdrawalRequest>(`/me/pools/${encodeURIComponent(this.poolId)}/withdrawal-requests`, checked.body, { idempotencyKey: newIdempotencyKey() });
      toasts.emit({ kind: "success", text: "Your request is with your fund manager" });
      form.reset();
      void this.load();
    } catch (exc) {
      const err = exc as ApiError;
      this.problem = { text: err.message, field: err.field ?? "" };
    }
  }

  private async withdrawRequest(r: WithdrawalRequest): Promise<void> {
    try {
      await api.delete<WithdrawalRequest>(`/me/pools/${encodeURIComponent(this.poolId)}/withdrawal-requests/${encodeURIComponent(r.id)}`);
      toasts.emit({ kind: "success", text: "Your request is cancelled" });
      void this.load();
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private requestsPanel(cur: string) {
    const units = this.orderBy === "units";
    return html`<section class="panel" aria-labelledby="requests-title" style="margin-top: 1rem">
      <header><h2 id="requests-title">Withdraw</h2><span class="muted small">This pool deals at once: your fund manager pays an accepted request at the NAV per unit of that moment</span></header>
      <form class="body stack" @submit=${this.ask} aria-label="Ask to withdraw" novalidate>
        <div class="radio-row" role="radiogroup" aria-label="Withdraw by">
          <label><input type="radio" name="by" value="amount" ?checked=${!units} @change=${() => (this.orderBy = "amount")} /> An amount</label>
          <label><input type="radio" name="by" value="units" ?checked=${units} @change=${() => (this.orderBy = "units")} /> Units</label>
        </div>
        <div class="field">
          <label for="request-value">${units ? "Units" : `Amount (${cur})`}</label>
          <input id="request-value" name="value" inputmode="decimal" autocomplete="off" aria-invalid=${this.problem ? "true" : "false"} aria-describedby="request-problem" />
        </div>
        ${this.problem ? html`<div class="form-error" id="request-problem" role="alert">${this.problem.text}</div>` : nothing}
        <div class="button-row"><button class="primary" type="submit">Ask to withdraw</button></div>
      </form>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Your requests">
        <table aria-label="Requests">
          <thead><tr><th>Asked</th><th class="num">Amount or units</th><th>Status</th><th></th></tr></thead>
          <tbody>${this.requests.map(
            (r) => html`<tr data-request-id=${r.id}>
              <td class="small">${dateTime(r.requested_at)}</td>
              <td class="num">${r.amount ? money(r.amount, cur) : `${fmtUnits(r.units ?? "0")} units`}</td>
              <td><span class="badge">${r.status}</span>${r.reason ? html` <span class="muted small">${r.reason}</span>` : nothing}</td>
              <td class="actions">${r.status === "pending" ? html`<button class="link danger" type="button" @click=${() => this.withdrawRequest(r)} aria-label="Cancel request made ${dateTime(r.requested_at)}">Cancel</button>` : nothing}</td>
            </tr>`,
          )}</tbody>
        </table>
        ${this.requests.length === 0 ? html`<div class="empty">No requests yet.</div>` : nothing}
      </div>
    </section>`;
  }

  private async cancel(o: Order): Promise<void> {
    try {
      await api.delete<Order>(`/me/pools/${encodeURIComponent(this.poolId)}/orders/${encodeURIComponent(o.id)}`);
      toasts.emit({ kind: "success", text: `Your ${o.type} is cancelled` });
      void this.load();
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  protected override render() {
    if (this.failed) {
      return html`<div class="panel"><div class="empty" role="alert"><p>${this.failed}</p><p><a href="#/portal">Back to your holdings</a></p></div></div>`;
    }
    if (!this.mine) return html`<div class="panel"><div class="empty">Loading…</div></div>`;
    const h = this.mine.holding;
    const perf = this.mine.performance;
    const cur = h.pool.currency;
    return html`
      <div class="page-head">
        <div><div class="crumbs"><a href="#/portal">Your holdings</a> /</div><h1>${h.pool.name}</h1>
          <p class="muted">${h.pool.dealing_mode === "forward" ? "Deals forward: orders deal at the NAV struck and approved on their dealing day." : "Deals at once, at the live NAV per unit."}</p></div>
      </div>
      <div class="figures">
        <div class="figure"><div class="label">Your value</div><div class="value" data-testid="my-value">${money(h.value, cur)}</div><div class="sub muted">${fmtUnits(h.units)} units</div></div>
        <div class="figure"><div class="label">NAV per unit</div><div class="value">${price(h.pool.nav_per_unit, cur)}</div><div class="sub muted">${h.pool.indicative ? "indicative" : "live"}</div></div>
        <div class="figure"><div class="label">Share of the pool</div><div class="value">${percent(h.share)}</div></div>
        <div class="figure"><div class="label">Gain</div><div class="value">${signedMoney(h.returns.gain, cur)}</div><div class="sub muted">paid in ${money(h.returns.paid_in, cur)}, taken out ${money(h.returns.taken_out, cur)}</div></div>
        <div class="figure"><div class="label">Your return a year</div><div class="value">${h.returns.xirr === null || h.returns.xirr === undefined ? "—" : percent(h.returns.xirr, { signed: true })}</div><div class="sub muted">money-weighted</div></div>
        <div class="figure"><div class="label">Pool since inception</div><div class="value">${perf.net.since_inception === null || perf.net.since_inception === undefined ? "—" : percent(perf.net.since_inception, { signed: true })}</div><div class="sub muted">time-weighted, net of fees</div></div>
      </div>
      <section class="panel" aria-labelledby="index-title"><header><h2 id="index-title">The pool's total return</h2></header>
        <div class="body"><pd-index-chart .series=${perf.series}></pd-index-chart></div></section>
      ${h.pool.dealing_mode === "forward" ? this.ordersPanel(cur) : this.requestsPanel(cur)}
      ${this.activityPanel(cur)}
      ${this.statement ? this.statementPanel(this.statement) : nothing}
    `;
  }

  private ordersPanel(cur: string) {
    const fieldId = "order-value";
    const units = this.orderType === "redemption" && this.orderBy === "units";
    return html`<section class="panel" aria-labelledby="orders-title" style="margin-top: 1rem">
      <header><h2 id="orders-title">Your orders</h2></header>
      <form class="body stack" @submit=${this.place} aria-label="Place an order" novalidate>
        <div class="radio-row" role="radiogroup" aria-label="Order">
          <label><input type="radio" name="type" value="subscription" ?checked=${this.orderType === "subscription"} @change=${() => (this.orderType = "subscription")} /> Invest more</label>
          <label><input type="radio" name="type" value="redemption" ?checked=${this.orderType === "redemption"} @change=${() => (this.orderType = "redemption")} /> Redeem</label>
        </div>
        ${this.orderType === "redemption"
          ? html`<div class="radio-row" role="radiogroup" aria-label="Redeem by">
              <label><input type="radio" name="by" value="amount" ?checked=${this.orderBy === "amount"} @change=${() => (this.orderBy = "amount")} /> An amount</label>
              <label><input type="radio" name="by" value="units" ?checked=${this.orderBy === "units"} @change=${() => (this.orderBy = "units")} /> Units</label>
            </div>`
          : nothing}
        <div class="field">
          <label for=${fieldId}>${units ? "Units" : `Amount (${cur})`}</label>
          <input id=${fieldId} name="value" inputmode="decimal" autocomplete="off" aria-invalid=${this.problem ? "true" : "false"} aria-describedby="order-problem" />
        </div>
        ${this.problem ? html`<div class="form-error" id="order-problem" role="alert">${this.problem.text}</div>` : nothing}
        <div class="button-row"><button class="primary" type="submit">Place order</button></div>
      </form>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Your orders">
        <table aria-label="Orders">
          <thead><tr><th>Placed</th><th>Order</th><th class="num">Amount or units</th><th>Deals</th><th>Status</th><th></th></tr></thead>
          <tbody>${this.orders.map(
            (o) => html`<tr data-order-id=${o.id}>
              <td class="small">${dateTime(o.received_at)}</td>
              <td>${o.type === "subscription" ? "Invest" : "Redeem"}</td>
              <td class="num">${o.amount ? money(o.amount, cur) : `${fmtUnits(o.units ?? "0")} units`}</td>
              <td>${o.dealing_date ? date(o.dealing_date) : "next valuation"}</td>
              <td><span class="badge">${o.status}</span></td>
              <td class="actions">${o.status === "pending" ? html`<button class="link danger" type="button" @click=${() => this.cancel(o)} aria-label="Cancel ${o.type} placed ${dateTime(o.received_at)}">Cancel</button>` : nothing}</td>
            </tr>`,
          )}</tbody>
        </table>
        ${this.orders.length === 0 ? html`<div class="empty">No orders yet.</div>` : nothing}
      </div>
    </section>`;
  }

  private activityPanel(cur: string) {
    return html`<section class="panel" aria-labelledby="activity-title" style="margin-top: 1rem">
      <header><h2 id="activity-title">Your activity</h2></header>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Your activity">
        <table aria-label="Activity">
          <thead><tr><th>When</th><th>What</th><th class="num">Amount</th><th class="num">Units</th><th class="num">NAV per unit</th></tr></thead>
          <tbody>${this.activity.map(
            (e) => html`<tr data-type=${e.type}>
              <td class="small">${dateTime(e.created_at)}</td>
              <td>${myEntryLabel(e.type)}${e.memo ? html` <span class="muted small">${e.memo}</span>` : nothing}</td>
              <td class="num">${e.amount ? money(e.amount, cur) : ""}</td>
              <td class="num">${e.units ? fmtUnits(e.units) : ""}</td>
              <td class="num">${e.nav_per_unit ? price(e.nav_per_unit, cur) : ""}</td>
            </tr>`,
          )}</tbody>
        </table>
        ${this.activity.length === 0 ? html`<div class="empty">Nothing yet.</div>` : nothing}
      </div>
    </section>`;
  }

  private statementPanel(s: Statement) {
    const go = (period: Period) => (location.hash = `#/portal/${this.poolId}${periodQuery(period)}`);
    return html`<section class="panel" aria-labelledby="statement-title" style="margin-top: 1rem">
      <header><h2 id="statement-title">Your statement</h2><span class="spacer"></span><button type="button" class="no-print" @click=${() => window.print()}>Print</button></header>
      <div class="body">${periodForm({ start: s.period.start, end: s.period.end }, go)}${statementArticle(s)}</div>
    </section>`;
  }
}
customElement("pd-holding", HoldingView);
