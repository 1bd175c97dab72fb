import { describe, expect, it } from "vitest";
import { benchmarkPoints, chartPoints } from "./chart";

describe("chart points", () => {
  it("draw NAV per unit with distributions reinvested, one point a second", () => {
    const points = chartPoints([
      { at: "2026-12-01T10:00:00Z", nav_per_unit: "1.100000", total_return_nav_per_unit: "1.100000" },
      // A 0.10 distribution: NAV per unit falls to 1.00, the reinvested line does not.
      { at: "2026-12-01T11:00:00Z", nav_per_unit: "1.000000", total_return_nav_per_unit: "1.100000" },
      { at: "2026-12-01T11:00:00.500Z", nav_per_unit: "1.010000", total_return_nav_per_unit: "1.111000" },
    ]);
    expect(points.map((p) => p.value)).toEqual([1.1, 1.111]);
  });

  it("re-base a benchmark to where the pool's line starts", () => {
    const line = benchmarkPoints([{ day: "2026-01-30", value: "1.00000000" }, { day: "2026-12-31", value: "1.17000000" }], 2);
    expect(line.map((p) => p.value)).toEqual([2, 2.34]);
    expect(line[0]!.time).toBe(Date.parse("2026-01-30T00:00:00Z") / 1000);
  });
});
