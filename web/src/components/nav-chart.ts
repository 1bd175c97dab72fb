import { html } from "lit";
import { AreaSeries, createChart, LineSeries, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api } from "../context";
import type { NavPoint, Page, PoolPerformance } from "../lib/types";
import { benchmarkPoints, chartLook, chartPoints } from "../lib/chart";

/** The NAV-per-unit chart with distributions reinvested (a distribution is not a cliff):
 * history from the API, then a live point per push; the pool's benchmark beside it, re-based
 * to the pool's first point. */
export class NavChart extends LightElement {
  static override properties = { poolId: {}, currency: {}, benchmark: {}, empty: { state: true } };
  declare poolId: string;
  declare currency: string;
  declare benchmark: string;
  declare empty: boolean;
  private chart: IChartApi | null = null;
  private series: ISeriesApi<"Area"> | null = null;
  private benchmarkSeries: ISeriesApi<"Line"> | null = null;
  private lastTime = 0;
  points = 0;
  /** The pool's reinvestment factor the history was drawn with. */
  reinvestment = "1";

  constructor() {
    super();
    this.poolId = "";
    this.currency = "USD";
    this.benchmark = "";
    this.empty = false;
  }

  protected override firstUpdated(): void {
    const el = this.querySelector<HTMLElement>(".chart")!;
    this.chart = createChart(el, chartLook({ timeVisible: true, secondsVisible: false }));
    this.series = this.chart.addSeries(AreaSeries, {
      lineColor: "#1f6f9f",
      topColor: "rgba(31, 111, 159, 0.25)",
      bottomColor: "rgba(31, 111, 159, 0.02)",
      lineWidth: 2,
      pointMarkersVisible: true,
      pointMarkersRadius: 2,
      priceFormat: { type: "price", precision: 4, minMove: 0.0001 },
    });
    this.benchmarkSeries = this.chart.addSeries(LineSeries, {
      color: "#b0701f",
      lineWidth: 2,
      lineStyle: 2,
      priceFormat: { type: "price", precision: 4, minMove: 0.0001 },
    });
    void this.reload();
  }

  override disconnectedCallback(): void {
    // Forget the series first: a history fetch still in flight must not draw on a removed chart.
    this.series = null;
    this.benchmarkSeries = null;
    this.chart?.remove();
    this.chart = null;
    super.disconnectedCallback();
  }

  /** Refetch the history (after a reconnect nothing is missed). */
  async reload(): Promise<void> {
    if (!this.poolId || !this.series) return;
    try {
      const page = await api.get<Page<NavPoint>>(`/pools/${this.poolId}/nav-history?limit=1000`);
      if (!this.series) return; // removed while the history was on its way
      const data = chartPoints(page.items);
      this.series.setData(data);
      const last = page.items[page.items.length - 1];
      this.reinvestment = last ? reinvestmentOf(last) : "1";
      await this.drawBenchmark(data[0]?.value ?? null);
      this.points = data.length;
      this.lastTime = data.length ? data[data.length - 1]!.time : 0;
      this.empty = data.length === 0;
      this.chart?.timeScale().fitContent();
      this.dataset.points = String(this.points);
    } catch {
      /* the chart keeps what it had */
    }
  }

  private async drawBenchmark(start: number | null): Promise<void> {
    if (!this.benchmarkSeries) return;
    if (!this.benchmark || start === null) {
      this.benchmarkSeries.setData([]);
      delete this.dataset.benchmarkPoints;
      return;
    }
    const perf = await api.get<PoolPerformance>(`/pools/${this.poolId}/performance`);
    if (!this.benchmarkSeries) return;
    const line = benchmarkPoints(perf.benchmark_series, start);
    this.benchmarkSeries.setData(line);
    this.dataset.benchmarkPoints = String(line.length);
  }

  /** A live NAV per unit, drawn with the pool's reinvestment factor. */
  push(at: string | null, navPerUnit: string, reinvestment = this.reinvestment): void {
    if (!this.series) return;
    const t = Math.max(Math.floor((at ? Date.parse(at) : Date.now()) / 1000), this.lastTime) as UTCTimestamp;
    this.series.update({ time: t, value: Number(navPerUnit) * Number(reinvestment) });
    if (t !== this.lastTime) this.points++;
    this.lastTime = t;
    this.empty = false;
    this.dataset.points = String(this.points);
    this.dataset.last = navPerUnit;
  }

  protected override render() {
    return html`<div class="chart" role="img" aria-label="NAV per unit over time, distributions reinvested${this.benchmark ? `, beside ${this.benchmark}` : ""}"></div>
      ${this.empty ? html`<p class="muted small">No valuations yet: the chart fills in as the pool is valued.</p>` : null}`;
  }
}
customElement("pd-nav-chart", NavChart);

/** A history point's reinvestment factor: its total-return NAV per unit over its NAV per unit (for drawing only). */
function reinvestmentOf(p: NavPoint): string {
  return Number(p.nav_per_unit) ? String(Number(p.total_return_nav_per_unit) / Number(p.nav_per_unit)) : "1";
}
