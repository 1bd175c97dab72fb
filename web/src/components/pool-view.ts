import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, knownPools, live, liveMessages, prefetched } from "../context";
import { ApiError } from "../lib/api";
import { dateTime, minorDigits, money, price, quantity, units as fmtUnits, signedMoney } from "../lib/format";
import { mul, round, sub, toString } from "../lib/decimal";
import type { PoolTab } from "../lib/router";
import type { Investor, LiveMessage, Pool } from "../lib/types";
import type { MoneyDialog, MoneyMode } from "./money-dialog";
import type { NavChart } from "./nav-chart";
import { isNewer } from "../lib/freshness";
import { changeToday } from "./pools-view";
import "./money-dialog";
import "./nav-chart";
import "./performance-panel";
import { PAGE, investorsPath } from "./investors-panel";
import "./activity-panel";
import "./settings-panel";
import "./requests-panel";
import "./dealing-panel";

const TAB_LABELS: Record<PoolTab, string> = {
  overview: "Overview",
  investors: "Investors",
  dealing: "Dealing",
  activity: "Activity",
  settings: "Settings",
};

export class PoolView extends LightElement {
  static override properties = {
    poolId: {},
    tab: {},
    role: {},
    pool: { state: true },
    error: { state: true },
    flash: { state: true },
  };
  declare poolId: string;
  declare tab: PoolTab;
  declare role: string;
  declare pool: Pool | null;
  declare error: string;
  declare flash: boolean;
  private off: (() => void) | null = null;
  private loadedFor = "";

  constructor() {
    super();
    this.poolId = "";
    this.tab = "overview";
    this.role = "";
    this.pool = null;
    this.error = "";
    this.flash = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = liveMessages.on((m) => this.onLive(m));
  }

  override disconnectedCallback(): void {
    this.off?.();
    if (this.loadedFor) live.forget(this.loadedFor);
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    if (this.poolId && this.loadedFor !== this.poolId) {
      if (this.loadedFor) live.forget(this.loadedFor);
      this.loadedFor = this.poolId;
      this.pool = null;
      void this.load();
      live.subscribe(this.poolId);
    }
  }

  private async load(): Promise<void> {
    this.error = "";
    if (this.tab === "investors" && !this.pool) {
      // The panel asks for its first page only once the pool is drawn: ask now, beside the pool.
      const first = investorsPath(this.poolId, PAGE, null, "");
      prefetched.start(first, () => api.get(first));
    }
    try {
      const pool = await api.get<Pool>(`/pools/${this.poolId}`);
      // A push may have brought a newer state while this read was on its way.
      if (!this.pool || isNewer(pool, this.pool)) this.pool = pool;
      knownPools.set(pool.id, { name: pool.name, currency: pool.currency });
    } catch (exc) {
      this.error = exc instanceof ApiError && exc.status === 404 ? "This pool does not exist, or is not yours to see." : (exc as Error).message;
    }
  }

  private onLive(m: LiveMessage): void {
    if (!("pool_id" in m) || m.pool_id !== this.poolId) return;
    if (m.type === "subscribed") {
      // (Re)subscribed: refetch so a change missed while offline shows.
      void this.load();
      this.querySelector<NavChart>("pd-nav-chart")?.reload();
    } else if (m.type === "pool.updated" && this.pool) {
      if (!isNewer(m.data, this.pool)) return; // an older state, delivered late
      const before = this.pool.nav;
      // Pushes carry no day opening: the one read with the pool stays.
      this.pool = { ...this.pool, ...m.data };
      if (before !== this.pool.nav) this.pulse();
      const chart = this.querySelector<NavChart>("pd-nav-chart");
      if (chart && chart.reinvestment !== this.pool.reinvestment) void chart.reload(); // a distribution: the history re-bases
      chart?.push(m.data.valued_at ?? m.data.updated_at ?? null, this.pool.nav_per_unit, this.pool.reinvestment);
    }
  }

  private pulse(): void {
    this.flash = false;
    requestAnimationFrame(() => (this.flash = true));
  }

  private openMoney(mode: MoneyMode, investor: Investor | null = null): void {
    this.querySelector<MoneyDialog>("pd-money-dialog")?.open(mode, investor);
  }

  protected override render() {
    if (this.error) {
      return html`<div class="panel"><div class="empty"><h2>Pool not available</h2><p>${this.error}</p><a href="#/pools">Back to pools</a></div></div>`;
    }
    const p = this.pool;
    if (!p) return html`<div class="empty">Loading pool…</div>`;
    const canWrite = this.role === "managers" && p.status === "open";
    const cur = p.currency;
    return html`
      <div class="page-head">
        <div>
          <div class="crumbs"><a href="#/pools">Pools</a> /</div>
          <h1>${p.name} <span class="badge ${p.status}">${p.status}</span></h1>
          <p class="muted small">${cur} · launched at ${price(p.unit_price, cur)} a unit · ${p.valued_at ? `valued ${dateTime(p.valued_at)}` : "not yet valued at market"}</p>
        </div>
        <span class="spacer"></span>
        ${canWrite
          ? html`<div class="button-row" role="group" aria-label="Money movements">
              ${p.dealing_mode === "forward"
                ? html`<a class="button primary" href="#/pools/${p.id}/dealing">Place an order</a>`
                : html`<button type="button" class="primary" @click=${() => this.openMoney("contribute")}>Contribute</button>
                    <button type="button" @click=${() => this.openMoney("withdraw")}>Withdraw</button>`}
              <button type="button" @click=${() => this.openMoney("distribute")}>Distribute</button>
              <button type="button" @click=${() => this.openMoney("trade")}>Record trade</button>
            </div>`
          : this.role === "finance"
            ? html`<span class="badge">Read-only</span>`
            : nothing}
      </div>
      ${p.status === "closed"
        ? html`<p class="closed-note" data-testid="closed-note">
            This pool is closed: it moves no money (no contributions, withdrawals, distributions, trades, or a
            brokerage's dividends and fees) until it is reopened${this.role === "managers" ? html` in <a href="#/pools/${p.id}/settings">Settings</a>` : nothing}.
          </p>`
        : nothing}

      <div class="figures">
        <div class="figure ${this.flash ? "flash" : ""}"><div class="label">NAV${p.indicative ? html` <span class="badge" title="Live estimate: orders deal at the NAV struck and approved for their dealing day">indicative</span>` : nothing}</div><div class="value" data-testid="nav">${money(p.nav, cur)}</div>
          <div class="sub">${changeToday(p)} today</div></div>
        <div class="figure ${this.flash ? "flash" : ""}"><div class="label">NAV per unit</div><div class="value" data-testid="nav-per-unit">${price(p.nav_per_unit, cur)}</div></div>
        <div class="figure"><div class="label">Units</div><div class="value" data-testid="units">${fmtUnits(p.units)}</div>
          <div class="sub muted">${p.investor_count} investors</div></div>
        <div class="figure"><div class="label">Cash</div><div class="value" data-testid="cash">${money(p.cash, cur)}</div></div>
      </div>

      <nav class="tabs" aria-label="Pool sections">
        ${(Object.keys(TAB_LABELS) as PoolTab[]).map(
          (t) => html`<a href=${t === "overview" ? `#/pools/${p.id}` : `#/pools/${p.id}/${t}`} aria-current=${this.tab === t ? "page" : nothing}>${TAB_LABELS[t]}</a>`,
        )}
      </nav>

      <div @money=${(e: CustomEvent<{ mode: MoneyMode; investor: Investor | null }>) => this.openMoney(e.detail.mode, e.detail.investor)}
           @changed=${() => void this.load()}>
        ${this.tab === "overview" ? this.overview(p) : nothing}
        ${this.tab === "investors"
          ? html`${p.dealing_mode === "instant" ? html`<pd-requests .pool=${p} ?canWrite=${canWrite}></pd-requests>` : nothing}
              <pd-investors .pool=${p} ?canWrite=${canWrite}></pd-investors>`
          : nothing}
        ${this.tab === "dealing" ? html`<pd-dealing .pool=${p} ?canWrite=${canWrite}></pd-dealing>` : nothing}
        ${this.tab === "activity" ? html`<pd-activity .pool=${p} ?canWrite=${canWrite}></pd-activity>` : nothing}
        ${this.tab === "settings" ? html`<pd-settings .pool=${p} ?canWrite=${this.role === "managers"} ?isFinance=${this.role === "finance"}></pd-settings>` : nothing}
        <pd-money-dialog .pool=${p}></pd-money-dialog>
      </div>
    `;
  }

  private overview(p: Pool) {
    const cur = p.currency;
    return html`<div class="grid-2">
      <section class="panel" aria-labelledby="chart-title">
        <header><h2 id="chart-title">NAV per unit, distributions reinvested</h2><span class="muted small">History and live${p.benchmark_symbol ? html` · beside ${p.benchmark_symbol}` : nothing}</span></header>
        <div class="body"><pd-nav-chart .poolId=${p.id} .currency=${cur} .benchmark=${p.benchmark_symbol ?? ""}></pd-nav-chart>
          <pd-performance .pool=${p}></pd-performance></div>
      </section>
      <section class="panel" aria-labelledby="positions-title">
        <header><h2 id="positions-title">Positions</h2></header>
        <div class="table-wrap">
          <table aria-label="Positions">
            <thead><tr><th>Symbol</th><th class="num">Quantity</th><th class="num">Last price</th><th class="num">Market value</th><th class="num hide-narrow">P/L</th></tr></thead>
            <tbody>
              ${p.positions.map((pos) => {
                // Unrealised gain against average cost, exactly, shown to the cent.
                const gain = toString(round(sub(pos.market_value, mul(pos.quantity, pos.avg_cost)), minorDigits(cur)));
                return html`<tr data-symbol=${pos.symbol}>
                  <td><strong>${pos.symbol}</strong></td>
                  <td class="num">${quantity(pos.quantity)}</td>
                  <td class="num" data-testid="last-price">${price(pos.last_price, cur)}</td>
                  <td class="num" data-testid="market-value">${money(pos.market_value, cur)}</td>
                  <td class="num hide-narrow ${gain.startsWith("-") ? "down" : "up"}">${signedMoney(gain, cur)}</td>
                </tr>`;
              })}
              <tr><td>Cash</td><td></td><td></td><td class="num">${money(p.cash, cur)}</td><td class="hide-narrow"></td></tr>
            </tbody>
            <tfoot><tr><th scope="row">NAV</th><td></td><td></td><td class="num">${money(p.nav, cur)}</td><td class="hide-narrow"></td></tr></tfoot>
          </table>
        </div>
      </section>
    </div>
    <div style="margin-top: 1rem"><pd-activity .pool=${p}></pd-activity></div>`;
  }
}
customElement("pd-pool", PoolView);

