import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError } from "./forms";
import { plainAmount } from "../lib/typed";
import { api, knownPools, live, liveMessages, toasts } from "../context";
import { change } from "../lib/decimal";
import { isNewer } from "../lib/freshness";
import { count, money, percent, price, signedMoney } from "../lib/format";
import { sortPools, type FirmColumn } from "../lib/firm";
import type { Firm, FirmPool, Page, Pool } from "../lib/types";
import { currency as checkCurrency, name as checkName, positiveDecimal, problems } from "../lib/validate";

export function changeToday(pool: Pool) {
  const open = pool.day_open_nav_per_unit;
  if (!open) return html`<span class="muted">${percent("0", { signed: true })}</span>`;
  const c = change(open, pool.nav_per_unit, 6);
  if (!c) return html`<span class="muted">—</span>`;
  const shown = percent(c, { signed: true });
  // Coloured by what it shows: a change that rounds to 0.00% is neither up nor down.
  const cls = !/[1-9]/.test(shown) ? "muted" : c.coef > 0n ? "up" : "down";
  return html`<span class=${cls}>${shown}</span>`;
}

export class PoolsView extends LightElement {
  static override properties = {
    role: {},
    pools: { state: true },
    cursor: { state: true },
    loading: { state: true },
    error: { state: true },
    createErrors: { state: true },
    creating: { state: true },
    firm: { state: true },
    sortBy: { state: true },
    descending: { state: true },
  };
  declare firm: Firm | null;
  declare sortBy: FirmColumn;
  declare descending: boolean;
  private firmTimer: number | undefined;
  private firmPoll: number | undefined;
  declare role: string;
  declare pools: Pool[];
  declare cursor: string | null;
  declare loading: boolean;
  declare error: string;
  declare createErrors: { fields: Record<string, string>; form: string };
  declare creating: boolean;
  private off: (() => void) | null = null;

  constructor() {
    super();
    this.role = "";
    this.pools = [];
    this.cursor = null;
    this.loading = true;
    this.error = "";
    this.createErrors = { fields: {}, form: "" };
    this.creating = false;
    this.firm = null;
    this.sortBy = "name";
    this.descending = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    void this.loadFirm();
    // The firm's counts (orders, approvals) change in pools this screen does not follow live: look again every 15 s.
    this.firmPoll = window.setInterval(() => void this.loadFirm(), 15000);
    this.off = liveMessages.on((m) => {
      if (m.type === "subscribed") void this.refreshOne(m.pool_id);
      if (m.type === "pool.updated" || m.type === "activity.created") this.refreshFirmSoon();
      if (m.type === "pool.updated") {
        this.pools = this.pools.map((p) =>
          p.id === m.pool_id && isNewer(m.data, p) ? { ...p, ...m.data } : p, // pushes carry no day opening
        );
      }
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    window.clearTimeout(this.firmTimer);
    window.clearInterval(this.firmPoll);
    super.disconnectedCallback();
  }

  private async loadFirm(): Promise<void> {
    try {
      this.firm = await api.get<Firm>("/firm");
    } catch {
      /* the list below still shows the pools */
    }
  }

  /** A push moved a pool: read the firm again, at most once a second. */
  private refreshFirmSoon(): void {
    window.clearTimeout(this.firmTimer);
    this.firmTimer = window.setTimeout(() => void this.loadFirm(), 1000);
  }

  private sort(column: FirmColumn): void {
    this.descending = this.sortBy === column ? !this.descending : column !== "name";
    this.sortBy = column;
  }

  private glance() {
    const f = this.firm;
    if (!f) return nothing;
    return html`<section class="panel" aria-labelledby="firm-title" style="margin-bottom: 1rem" data-testid="firm">
      <header><h2 id="firm-title">At a glance</h2><span class="muted small">Assets by currency, never added across currencies</span></header>
      <div class="figures">
        ${f.totals.map(
          (t) => html`<div class="figure" data-currency=${t.currency}><div class="label">Assets under management, ${t.currency}</div>
            <div class="value" data-testid="aum-${t.currency}">${money(t.aum, t.currency)}</div>
            <div class="sub">${t.pools === 1 ? "1 pool" : `${count(t.pools)} pools`} · net flows ${signedMoney(t.net_flows_month, t.currency)} this month, ${signedMoney(t.net_flows_year, t.currency)} this year</div></div>`,
        )}
        <div class="figure"><div class="label">Waiting</div>
          <div class="value small" data-testid="firm-waiting">${count(f.open_orders)} orders · ${count(f.awaiting_approval)} approvals · ${count(f.valuations_in_hand)} valuations</div>
          ${f.parked_events !== null && f.parked_events !== undefined
            ? html`<div class="sub" data-testid="firm-parked">${count(f.parked_events)}${f.parked_events >= 100 ? "+" : ""} parked webhook events</div>`
            : nothing}</div>
      </div>
    </section>`;
  }

  private async load(more = false): Promise<void> {
    this.loading = true;
    this.error = "";
    try {
      const q = new URLSearchParams({ limit: "50" });
      if (more && this.cursor) q.set("cursor", this.cursor);
      const page = await api.get<Page<Pool>>(`/pools?${q}`);
      this.pools = more ? [...this.pools, ...page.items] : page.items;
      this.cursor = page.next_cursor;
      for (const p of page.items) {
        knownPools.set(p.id, { name: p.name, currency: p.currency });
        // The list may answer after the user moved on: follow its pools only while it is shown.
        if (this.isConnected) live.subscribe(p.id);
      }
    } catch (exc) {
      this.error = (exc as Error).message;
    } finally {
      this.loading = false;
    }
  }

  /** After a (re)subscribe: fetch the pool so a change missed while offline shows. */
  private async refreshOne(id: string): Promise<void> {
    if (!this.pools.some((p) => p.id === id)) return;
    try {
      const fresh = await api.get<Pool>(`/pools/${id}`);
      this.pools = this.pools.map((p) => (p.id === id && isNewer(fresh, p) ? fresh : p));
    } catch {
      /* the list keeps what it had */
    }
  }

  private openCreate(): void {
    this.createErrors = { fields: {}, form: "" };
    this.querySelector<HTMLDialogElement>("#create-pool")?.showModal();
  }

  private async create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    // "$1.00" or "1,000" read as the plain decimal the API takes (in the currency being chosen).
    v.unit_price = plainAmount(v.unit_price ?? "", (v.currency ?? "").toUpperCase() || "USD");
    const fields = problems({
      name: checkName(v.name ?? ""),
      currency: checkCurrency(v.currency ?? ""),
      unit_price: positiveDecimal(v.unit_price ?? "", "Initial unit price", 6),
    });
    this.createErrors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    this.creating = true;
    try {
      const pool = await api.post<Pool>("/pools", { name: v.name, currency: (v.currency ?? "").toUpperCase(), unit_price: v.unit_price });
      this.querySelector<HTMLDialogElement>("#create-pool")?.close();
      form.reset();
      toasts.emit({ kind: "success", text: `Pool ${pool.name} created` });
      location.hash = `#/pools/${pool.id}`;
    } catch (exc) {
      this.createErrors = fromApiError(exc, ["name", "currency", "unit_price"]);
    } finally {
      this.creating = false;
    }
  }

  private header(column: FirmColumn, label: string, numeric = false) {
    const sorted = this.sortBy === column;
    return html`<th class=${numeric ? "num" : ""} aria-sort=${sorted ? (this.descending ? "descending" : "ascending") : "none"}>
      <button type="button" class="link sort" @click=${() => this.sort(column)}>${label}${sorted ? (this.descending ? " ▼" : " ▲") : ""}</button></th>`;
  }

  /** Every pool the firm view lists (or, until it answers, the pools read so far), sorted; live figures from the list. */
  private rows(): Array<{ p: Pool | FirmPool; f: FirmPool | null }> {
    const listed = new Map(this.pools.map((p) => [p.id, p]));
    if (!this.firm) return this.pools.map((p) => ({ p, f: null }));
    return sortPools(this.firm.pools, this.sortBy, this.descending).map((f) => {
      const live = listed.get(f.id);
      return { p: live ? { ...f, ...live } : f, f };
    });
  }

  protected override render() {
    const isManager = this.role === "managers";
    const ce = this.createErrors;
    return html`
      <div class="page-head">
        <div>
          <h1>Pools</h1>
          <p class="muted small">${this.role === "finance" ? "Every pool, read-only." : "The pools you manage."} Figures update live.</p>
        </div>
        <span class="spacer"></span>
        ${isManager ? html`<button class="primary" type="button" @click=${this.openCreate}>New pool</button>` : nothing}
      </div>
      ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : nothing}
      ${this.glance()}
      <div class="panel">
        <div class="table-wrap">
          <table aria-label="Pools">
            <thead>
              <tr>
                ${this.header("name", "Pool")}
                ${this.header("nav", "NAV", true)}
                ${this.header("nav_per_unit", "NAV per unit", true)}
                <th class="num">Change today</th>
                ${this.header("net_flows_month", "Net flows, month", true)}
                ${this.header("return_since_launch", "Since launch", true)}
                ${this.header("open_orders", "Orders", true)}
                ${this.header("awaiting_approval", "Approvals", true)}
                ${this.header("investor_count", "Investors", true)}
                <th class="hide-narrow">Status</th>
              </tr>
            </thead>
            <tbody>
              ${this.rows().map(
                ({ p, f }) => html`<tr class="clickable" data-pool-id=${p.id} @click=${() => (location.hash = `#/pools/${p.id}`)}>
                  <td><a href="#/pools/${p.id}">${p.name}</a> <span class="muted small">${p.currency}</span></td>
                  <td class="num" data-testid="pool-nav">${money(p.nav, p.currency)}</td>
                  <td class="num">${price(p.nav_per_unit, p.currency)}</td>
                  <td class="num">${"day_open_nav_per_unit" in p ? changeToday(p as Pool) : html`<span class="muted">—</span>`}</td>
                  <td class="num" data-testid="pool-flows-month">${f ? signedMoney(f.net_flows_month, p.currency) : "—"}</td>
                  <td class="num" data-testid="pool-return">${f ? percent(f.return_since_launch, { signed: true }) : "—"}</td>
                  <td class="num" data-testid="pool-orders">${f ? count(f.open_orders) : "—"}</td>
                  <td class="num" data-testid="pool-approvals">${f ? count(f.awaiting_approval) : "—"}</td>
                  <td class="num">${count(p.investor_count)}</td>
                  <td class="hide-narrow"><span class="badge ${p.status}">${p.status}</span>${f?.valuation_in_hand ? html` <span class="badge">valuation in hand</span>` : nothing}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${!this.loading && this.pools.length === 0
            ? html`<div class="empty">${isManager ? "No pools yet. Create your first with New pool." : "No pools to show."}</div>`
            : nothing}
          ${this.loading ? html`<div class="empty">Loading pools…</div>` : nothing}
        </div>
        ${this.cursor && !this.firm ? html`<div class="pager"><button type="button" @click=${() => this.load(true)}>Show more pools</button></div>` : nothing}
      </div>

      <dialog id="create-pool" aria-labelledby="create-pool-title">
        <form class="stack" @submit=${this.create} novalidate>
          <header><h2 id="create-pool-title">New pool</h2></header>
          <div class="dialog-body stack">
            ${ce.form ? html`<div class="form-error" role="alert">${ce.form}</div>` : nothing}
            ${field("create-pool", { label: "Name", name: "name", error: ce.fields.name, placeholder: "Harbor Growth Fund", required: true })}
            <div class="inline">
              ${field("create-pool", { label: "Currency", name: "currency", value: "USD", error: ce.fields.currency, hint: "ISO code, e.g. USD, EUR, GBP" })}
              ${field("create-pool", { label: "Initial unit price", name: "unit_price", value: "1.00", inputmode: "decimal", error: ce.fields.unit_price, hint: "What one unit costs at launch" })}
            </div>
          </div>
          <footer>
            <button type="button" @click=${() => this.querySelector<HTMLDialogElement>("#create-pool")?.close()}>Cancel</button>
            <button class="primary" type="submit" ?disabled=${this.creating}>Create pool</button>
          </footer>
        </form>
      </dialog>
    `;
  }
}
customElement("pd-pools", PoolsView);
