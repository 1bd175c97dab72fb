import { html } from "lit";
import { AreaSeries, ColorType, createChart, type IChartApi, type ISeriesApi, type UTCTimestamp } from "lightweight-charts";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api } from "../context";
import type { NavPoint, Page } from "../lib/types";

/** Points for the chart: one per second (the last wins), in time order. Chart
 * values are numbers for plotting only; every figure shown as text stays a decimal string. */
export function chartPoints(points: Array<{ at: string; nav_per_unit: string }>): Array<{ time: UTCTimestamp; value: number }> {
  const bySecond = new Map<number, number>();
  for (const p of points) bySecond.set(Math.floor(Date.parse(p.at) / 1000), Number(p.nav_per_unit));
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ time: t as UTCTimestamp, value: v }));
}

/** The NAV-per-unit chart: history from the API, then a live point per push. */
export class NavChart extends LightElement {
  static override properties = { poolId: {}, currency: {}, empty: { state: true } };
  declare poolId: string;
  declare currency: string;
  declare empty: boolean;
  private chart: IChartApi | null = null;
  private series: ISeriesApi<"Area"> | null = null;
  private lastTime = 0;
  points = 0;

  constructor() {
    super();
    this.poolId = "";
    this.currency = "USD";
    this.empty = false;
  }

  protected override firstUpdated(): void {
    const el = this.querySelector<HTMLElement>(".chart")!;
    this.chart = createChart(el, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: "#ffffff" }, textColor: "#4a5a68", attributionLogo: false },
      grid: { vertLines: { color: "#eef2f5" }, horzLines: { color: "#eef2f5" } },
      rightPriceScale: { borderColor: "#dde3e9" },
      timeScale: { borderColor: "#dde3e9", timeVisible: true, secondsVisible: false },
      localization: { priceFormatter: (v: number) => v.toFixed(4) },
    });
    this.series = this.chart.addSeries(AreaSeries, {
      lineColor: "#1f6f9f",
      topColor: "rgba(31, 111, 159, 0.25)",
      bottomColor: "rgba(31, 111, 159, 0.02)",
      lineWidth: 2,
      pointMarkersVisible: true,
      pointMarkersRadius: 2,
      priceFormat: { type: "price", precision: 4, minMove: 0.0001 },
    });
    void this.reload();
  }

  override disconnectedCallback(): void {
    // Forget the series first: a history fetch still in flight must not draw on a removed chart.
    this.series = null;
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
      this.points = data.length;
      this.lastTime = data.length ? data[data.length - 1]!.time : 0;
      this.empty = data.length === 0;
      this.chart?.timeScale().fitContent();
      this.dataset.points = String(this.points);
    } catch {
      /* the chart keeps what it had */
    }
  }

  /** A live NAV per unit. */
  push(at: string | null, navPerUnit: string): void {
    if (!this.series) return;
    const t = Math.max(Math.floor((at ? Date.parse(at) : Date.now()) / 1000), this.lastTime) as UTCTimestamp;
    this.series.update({ time: t, value: Number(navPerUnit) });
    if (t !== this.lastTime) this.points++;
    this.lastTime = t;
    this.empty = false;
    this.dataset.points = String(this.points);
    this.dataset.last = navPerUnit;
  }

  protected override render() {
    return html`<div class="chart" role="img" aria-label="NAV per unit over time"></div>
      ${this.empty ? html`<p class="muted small">No valuations yet: the chart fills in as the pool is valued.</p>` : null}`;
  }
}
customElement("pd-nav-chart", NavChart);
