import { html } from "lit";
import { createChart, LineSeries, type IChartApi, type UTCTimestamp } from "lightweight-charts";
import { LightElement } from "./base";
import { customElement } from "./define";
import { chartLook } from "../lib/chart";

/** A pool's daily total-return index (1 on its first day), as the portal shows it: drawn
 * from the figures it is given, so an investor's page asks the API for nothing more. */
export class IndexChart extends LightElement {
  static override properties = { series: { attribute: false } };
  declare series: Array<{ day: string; net: string }>;
  private chart: IChartApi | null = null;

  constructor() {
    super();
    this.series = [];
  }

  protected override firstUpdated(): void {
    const el = this.querySelector<HTMLElement>(".chart")!;
    this.chart = createChart(el, chartLook());
    this.draw();
  }

  protected override updated(): void {
    this.draw();
  }

  private draw(): void {
    if (!this.chart) return;
    for (const s of this.chart.panes()[0]?.getSeries() ?? []) this.chart.removeSeries(s);
    const line = this.chart.addSeries(LineSeries, { color: "#1f6f9f", lineWidth: 2 });
    // Numbers for plotting only: every figure shown as text stays a decimal string.
    line.setData(this.series.map((p) => ({ time: (Date.parse(`${p.day}T00:00:00Z`) / 1000) as UTCTimestamp, value: Number(p.net) })));
    this.chart.timeScale().fitContent();
  }

  override disconnectedCallback(): void {
    this.chart?.remove();
    this.chart = null;
    super.disconnectedCallback();
  }

  protected override render() {
    const last = this.series.at(-1);
    const label = last ? `Total-return index, 1 on ${this.series[0]!.day}, ${last.net} on ${last.day}` : "No closes yet";
    return html`<div class="chart" role="img" aria-label=${label} style="height: 240px"></div>`;
  }
}
customElement("pd-index-chart", IndexChart);
