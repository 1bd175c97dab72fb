import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, toasts } from "../context";
import { percent } from "../lib/format";
import type { Pool, PoolPerformance } from "../lib/types";

type Periods = PoolPerformance["net"];
const PERIODS: Array<[keyof Periods, string]> = [
  ["mtd", "Month to date"],
  ["qtd", "Quarter to date"],
  ["ytd", "Year to date"],
  ["one_year", "One year"],
  ["since_inception", "Since inception"],
  ["since_inception_annualised", "A year, since inception"],
];

/** How the pool has done apart from money coming and going: time-weighted, distributions reinvested,
 * net and gross of fees, beside its benchmark. */
export class PerformancePanel extends LightElement {
  static override properties = { pool: { attribute: false }, perf: { state: true } };
  declare pool: Pool;
  declare perf: PoolPerformance | null;
  private loadedFor = "";
  private timer: number | undefined;

  constructor() {
    super();
    this.perf = null;
  }

  protected override willUpdate(): void {
    // Refetched as the pool changes (a push), at most every two seconds.
    const key = `${this.pool?.id}:${this.pool?.version}:${this.pool?.benchmark_symbol ?? ""}`;
    if (this.pool && key !== this.loadedFor) {
      const first = !this.loadedFor.startsWith(`${this.pool.id}:`);
      this.loadedFor = key;
      window.clearTimeout(this.timer);
      if (first) void this.load();
      else this.timer = window.setTimeout(() => void this.load(), 2000);
    }
  }

  override disconnectedCallback(): void {
    window.clearTimeout(this.timer);
    super.disconnectedCallback();
  }

  private async load(): Promise<void> {
    try {
      this.perf = await api.get<PoolPerformance>(`/pools/${this.pool.id}/performance`);
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  protected override render() {
    const p = this.perf;
    if (!p) return nothing;
    const cell = (v: string | null | undefined) => (v === null || v === undefined ? html`<span class="muted">—</span>` : html`<span class=${v.startsWith("-") ? "down" : Number(v) > 0 ? "up" : ""}>${percent(v, { signed: true })}</span>`);
    // Wider than its panel on narrow screens: a region the keyboard can scroll.
    return html`<div class="table-wrap" style="margin-top: .75rem" tabindex="0" role="region" aria-label="Time-weighted returns">
      <table aria-label="Returns" data-testid="returns">
        <thead><tr><th>Time-weighted return</th>${PERIODS.map(([, label]) => html`<th class="num">${label}</th>`)}</tr></thead>
        <tbody>
          <tr data-row="net"><th scope="row">Net of fees</th>${PERIODS.map(([k]) => html`<td class="num" data-period=${k}>${cell(p.net[k])}</td>`)}</tr>
          <tr data-row="gross"><th scope="row">Before fees</th>${PERIODS.map(([k]) => html`<td class="num" data-period=${k}>${cell(p.gross[k])}</td>`)}</tr>
          ${p.benchmark
            ? html`<tr data-row="benchmark"><th scope="row">${p.benchmark_symbol}</th>${PERIODS.map(([k]) => html`<td class="num" data-period=${k}>${cell(p.benchmark?.[k])}</td>`)}</tr>`
            : nothing}
        </tbody>
      </table>
      <p class="muted small">From ${p.basis}, distributions reinvested; periods end at the latest close.</p>
    </div>`;
  }
}
customElement("pd-performance", PerformancePanel);
