import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api } from "../context";
import { date, dateTime, entryLabel, money, percent, price, signedMoney, units as fmtUnits } from "../lib/format";
import { href, type Period } from "../lib/router";
import type { Statement } from "../lib/types";

/** The query a statement is asked for with. */
export function periodQuery(period?: Period): string {
  const q = new URLSearchParams();
  if (period?.from) q.set("from", period.from);
  if (period?.to) q.set("to", period.to);
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** A period picker: changing it goes to the same page for the new period. */
export function periodForm(current: { start: string; end: string }, go: (period: Period) => void) {
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    go({ from: String(data.get("from") ?? ""), to: String(data.get("to") ?? "") });
  };
  return html`<form class="inline no-print" @submit=${submit} aria-label="Period">
    <div class="field"><label for="period-from">From</label><input id="period-from" name="from" type="date" .value=${current.start} required /></div>
    <div class="field"><label for="period-to">To</label><input id="period-to" name="to" type="date" .value=${current.end} required /></div>
    <button type="submit">Show period</button>
  </form>`;
}

function lineUnits(type: string, units: string): string {
  if (type === "distribution" || type === "reversal") return type === "reversal" ? fmtUnits(units) : "";
  return (type === "contribution" ? "+" : "−") + fmtUnits(units);
}

function lineLabel(type: string): string {
  if (type === "distribution") return "Payout (distribution)";
  if (type === "fees.crystallised") return "Performance fee (units cancelled)";
  return entryLabel(type);
}

/** One investor's statement for a period, laid out to print (one page each when several are printed). */
export function statementArticle(s: Statement) {
  const { pool, investor: i, period: p, manager } = s;
  const cur = pool.currency;
  const ret = p.period_return === null || p.period_return === undefined ? "—" : percent(p.period_return, { signed: true });
  return html`<article class="statement" aria-label="Statement for ${i.name}" data-investor-id=${i.id}>
    <h1>Investor statement</h1>
    <p class="muted">${pool.name} · ${date(p.start)} to ${date(p.end)} · issued ${date(new Date().toISOString())}</p>
    <div class="meta">
      <div><div class="muted small">Investor</div><strong data-testid="statement-investor">${i.name}</strong><div class="small">${i.email}</div></div>
      <div><div class="muted small">Manager</div><strong>${manager.name || manager.email}</strong><div class="small">${manager.email}</div></div>
      <div><div class="muted small">Pool's return over the period, net of fees</div><strong data-testid="statement-return">${ret}</strong></div>
    </div>
    <div class="meta">
      <div><div class="muted small">Opening, ${date(p.start)}</div><strong data-testid="statement-opening">${money(p.opening_value, cur)}</strong>
        <div class="small">${fmtUnits(p.opening_units)} units${p.opening_nav_per_unit ? html` at ${price(p.opening_nav_per_unit, cur)}` : nothing}</div></div>
      <div><div class="muted small">Closing, ${date(p.end)}</div><strong data-testid="statement-value">${money(p.closing_value, cur)}</strong>
        <div class="small">${fmtUnits(p.closing_units)} units${p.closing_nav_per_unit ? html` at ${price(p.closing_nav_per_unit, cur)}` : nothing}</div></div>
      <div><div class="muted small">Gain over the period</div><strong data-testid="statement-gain">${signedMoney(p.gain, cur)}</strong>
        <div class="small" data-testid="statement-investor-return">${p.investor_return === null || p.investor_return === undefined ? "" : html`${percent(p.investor_return, { signed: true })} a year, money-weighted`}</div></div>
    </div>
    <div class="table-wrap">
      <table aria-label="Statement lines">
        <thead><tr><th>Date</th><th>Movement</th><th class="num">Amount</th><th class="num">Units</th><th class="num">NAV per unit</th></tr></thead>
        <tbody>
          ${s.lines.map(
            (l) => html`<tr data-type=${l.type}>
              <td class="small">${dateTime(l.created_at)}</td>
              <td>${lineLabel(l.type)}${l.performance_fee && l.type === "withdrawal" ? html` <span class="muted small">after a performance fee of ${money(l.performance_fee, cur)}</span>` : nothing}${l.memo && l.type !== "fees.crystallised" ? html` <span class="muted small">${l.memo}</span>` : nothing}</td>
              <td class="num">${money(l.amount, cur)}</td>
              <td class="num">${lineUnits(l.type, l.units)}</td>
              <td class="num">${l.nav_per_unit ? price(l.nav_per_unit, cur) : ""}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${s.lines.length === 0 ? html`<div class="empty">No contributions, withdrawals, payouts or fees in this period.</div>` : nothing}
    </div>
    <div class="meta">
      <div><div class="muted small">Paid in</div><strong>${money(p.paid_in, cur)}</strong></div>
      <div><div class="muted small">Taken out</div><strong>${money(p.taken_out, cur)}</strong></div>
      <div><div class="muted small">Distributions</div><strong>${money(p.distributions, cur)}</strong></div>
      <div><div class="muted small">Fees charged</div><strong data-testid="statement-fees">${money(p.fees, cur)}</strong>
        <div class="small">performance ${money(p.performance_fees, cur)} · management ${money(p.management_fees, cur)}${Number(p.early_redemption_fees) ? html` · early redemption ${money(p.early_redemption_fees, cur)}` : nothing}</div></div>
    </div>
    <p class="muted small">Amounts in ${cur}. NAV per unit is ${pool.dealing_mode === "forward" ? "the official (approved) NAV of each dealing day" : "the last of each day"}.
      Values are units at NAV per unit, rounded down. Units are issued rounded down and redeemed rounded up, so rounding never
      favours a leaving investor over those who stay. The management fee share is by the units held when each fee was charged.
      Questions: ${manager.name ? `${manager.name} <${manager.email}>` : manager.email}.</p>
  </article>`;
}

/** An investor's statement for a period, to print (or save as PDF) from the browser. */
export class StatementView extends LightElement {
  static override properties = { poolId: {}, investorId: {}, period: { attribute: false }, statement: { state: true }, error: { state: true } };
  declare poolId: string;
  declare investorId: string;
  declare period: Period | undefined;
  declare statement: Statement | null;
  declare error: string;
  private loadedFor = "";

  constructor() {
    super();
    this.poolId = "";
    this.investorId = "";
    this.period = undefined;
    this.statement = null;
    this.error = "";
  }

  protected override willUpdate(): void {
    const key = `${this.poolId}/${this.investorId}${periodQuery(this.period)}`;
    if (this.poolId && this.investorId && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    try {
      this.error = "";
      this.statement = await api.get<Statement>(`/pools/${this.poolId}/investors/${this.investorId}/statement${periodQuery(this.period)}`);
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
    const { pool } = s;
    const go = (period: Period) => (location.hash = href({ name: "statement", poolId: pool.id, investorId: s.investor.id, period }));
    return html`
      <div class="page-head no-print">
        <div class="crumbs"><a href="#/pools">Pools</a> / <a href="#/pools/${pool.id}/investors">${pool.name}</a> /</div>
        <span class="spacer"></span>
        ${periodForm(s.period, go)}
        <a class="button" href=${href({ name: "statements", poolId: pool.id, period: { from: s.period.start, to: s.period.end } })}>Every investor's</a>
        <button class="primary" type="button" @click=${() => window.print()}>Print or save as PDF</button>
      </div>
      ${statementArticle(s)}
    `;
  }
}
customElement("pd-statement", StatementView);
