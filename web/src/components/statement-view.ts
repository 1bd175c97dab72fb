import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api } from "../context";
import { sum, toString } from "../lib/decimal";
import { date, dateTime, entryLabel, money, percent, price, signedMoney, units as fmtUnits } from "../lib/format";
import type { Statement } from "../lib/types";
import { gainOf } from "../lib/holding";

/** An investor's statement, laid out to print (or save as PDF) from the browser. */
export class StatementView extends LightElement {
  static override properties = { poolId: {}, investorId: {}, statement: { state: true }, error: { state: true } };
  declare poolId: string;
  declare investorId: string;
  declare statement: Statement | null;
  declare error: string;
  private loadedFor = "";

  constructor() {
    super();
    this.poolId = "";
    this.investorId = "";
    this.statement = null;
    this.error = "";
  }

  protected override willUpdate(): void {
    const key = `${this.poolId}/${this.investorId}`;
    if (this.poolId && this.investorId && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    try {
      this.statement = await api.get<Statement>(`/pools/${this.poolId}/investors/${this.investorId}/statement`);
      document.title = `Statement · ${this.statement.investor.name} · ${this.statement.pool.name}`;
    } catch (exc) {
      this.error = (exc as Error).message;
    }
  }

  override disconnectedCallback(): void {
    document.title = "Pooldesk";
    super.disconnectedCallback();
  }

  protected override render() {
    if (this.error) return html`<div class="form-error" role="alert">${this.error}</div>`;
    const s = this.statement;
    if (!s) return html`<div class="empty">Loading statement…</div>`;
    const { pool, investor: i } = s;
    const cur = pool.currency;
    const total = (type: string) => toString(sum(s.lines.filter((l) => l.type === type).map((l) => l.amount)));
    return html`
      <div class="page-head no-print">
        <div class="crumbs"><a href="#/pools">Pools</a> / <a href="#/pools/${pool.id}/investors">${pool.name}</a> /</div>
        <span class="spacer"></span>
        <button class="primary" type="button" @click=${() => window.print()}>Print or save as PDF</button>
      </div>
      <article class="statement" aria-labelledby="statement-title">
        <h1 id="statement-title">Investor statement</h1>
        <p class="muted">${pool.name} · issued ${date(new Date().toISOString())}</p>
        <div class="meta">
          <div><div class="muted small">Investor</div><strong data-testid="statement-investor">${i.name}</strong><div class="small">${i.email}</div></div>
          <div><div class="muted small">Units held</div><strong>${fmtUnits(i.units)}</strong><div class="small">${percent(i.share)} of the pool</div></div>
          <div><div class="muted small">Value at ${price(pool.nav_per_unit, cur)} a unit</div><strong data-testid="statement-value">${money(i.value, cur)}</strong></div>
          <div><div class="muted small">Gain</div><strong>${signedMoney(gainOf(i, pool), cur)}</strong></div>
        </div>
        <div class="table-wrap">
          <table aria-label="Statement lines">
            <thead><tr><th>Date</th><th>Movement</th><th class="num">Amount</th><th class="num">Units</th><th class="num">NAV per unit</th></tr></thead>
            <tbody>
              ${s.lines.map(
                (l) => html`<tr data-type=${l.type}>
                  <td class="small">${dateTime(l.created_at)}</td>
                  <td>${l.type === "distribution" ? "Payout (distribution)" : entryLabel(l.type)}${l.memo ? html` <span class="muted small">${l.memo}</span>` : nothing}</td>
                  <td class="num">${money(l.amount, cur)}</td>
                  <td class="num">${l.type === "distribution" ? "" : (l.type === "withdrawal" ? "−" : "+") + fmtUnits(l.units)}</td>
                  <td class="num">${l.nav_per_unit ? price(l.nav_per_unit, cur) : ""}</td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${s.lines.length === 0 ? html`<div class="empty">No contributions, withdrawals or payouts yet.</div>` : nothing}
        </div>
        <div class="meta">
          <div><div class="muted small">Contributed</div><strong>${money(total("contribution"), cur)}</strong></div>
          <div><div class="muted small">Withdrawn</div><strong>${money(total("withdrawal"), cur)}</strong></div>
          <div><div class="muted small">Paid out</div><strong>${money(total("distribution"), cur)}</strong></div>
        </div>
        <p class="muted small">Amounts in ${cur}. Units are issued at NAV per unit rounded down and redeemed rounded up, so
          rounding never favours a leaving investor over those who stay. Figures as of ${dateTime(pool.updated_at)}.</p>
      </article>
    `;
  }
}
customElement("pd-statement", StatementView);
