// What the charts draw. Chart values are numbers for plotting only; every figure
// shown as text stays a decimal string.
import { ColorType, type UTCTimestamp } from "lightweight-charts";

export interface ChartPoint {
  time: UTCTimestamp;
  value: number;
}

/** NAV history for the chart: one point per second (the last wins), in time order, with
 * distributions reinvested (the total-return NAV per unit when the API gives it). */
export function chartPoints(points: Array<{ at: string; nav_per_unit: string; total_return_nav_per_unit?: string }>): ChartPoint[] {
  const bySecond = new Map<number, number>();
  for (const p of points) bySecond.set(Math.floor(Date.parse(p.at) / 1000), Number(p.total_return_nav_per_unit ?? p.nav_per_unit));
  return [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ time: t as UTCTimestamp, value: v }));
}

/** A benchmark's daily index (1 on its first day) re-based to start where the pool's line starts. */
export function benchmarkPoints(series: Array<{ day: string; value: string }>, start: number): ChartPoint[] {
  return series.map((b) => ({ time: (Date.parse(`${b.day}T00:00:00Z`) / 1000) as UTCTimestamp, value: Number(b.value) * start }));
}

/** Pooldesk's look for a chart (both the pool's NAV chart and the portal's index use it). */
export function chartLook(timeScale: { timeVisible?: boolean; secondsVisible?: boolean } = {}) {
  return {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: "#ffffff" }, textColor: "#4a5a68", attributionLogo: false },
    grid: { vertLines: { color: "#eef2f5" }, horzLines: { color: "#eef2f5" } },
    rightPriceScale: { borderColor: "#dde3e9" },
    timeScale: { borderColor: "#dde3e9", ...timeScale },
    localization: { priceFormatter: (v: number) => v.toFixed(4) },
  };
}
