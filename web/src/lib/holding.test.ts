import { describe, expect, it } from "vitest";
import { gainOf, shareOf, valueOf } from "./holding";

// Figures checked against the API (chalicelib/domain/model.py) for the same pools.
const pool = { currency: "USD", nav: "51234.57", units: "50000.000000", unit_price: "1.00" };

describe("an investor's holding", () => {
  it("is worth units × NAV ÷ pool units, rounded down to the cent", () => {
    // 12345.678901 × 51234.57 ÷ 50000 = 12650.5187…: down to 12650.51, never up.
    expect(valueOf("12345.678901", pool)).toBe("12650.51");
    expect(valueOf("50000.000000", pool)).toBe("51234.57");
    expect(valueOf("0.000000", pool)).toBe("0.00");
  });

  it("uses the launch price before any unit exists, and the currency's own minor unit", () => {
    expect(valueOf("10.5", { currency: "USD", nav: "0.00", units: "0.000000", unit_price: "100.00" })).toBe("1050.00");
    expect(valueOf("3.333333", { currency: "JPY", nav: "1000", units: "10.000000", unit_price: "100" })).toBe("333");
    expect(valueOf("1.000000", { currency: "KWD", nav: "10.000", units: "3.000000", unit_price: "1" })).toBe("3.333");
  });

  it("has a share of the pool to 6 places, half to even", () => {
    expect(shareOf("12345.678901", pool)).toBe("0.246914");
    expect(shareOf("1.000000", { ...pool, units: "3.000000" })).toBe("0.333333");
    expect(shareOf("5.000000", { ...pool, units: "0.000000" })).toBe("0.000000");
  });

  it("gains what it is worth plus what it took out, less what it put in", () => {
    const h = { units: "12345.678901", contributed: "12000.00", withdrawn: "500.00", paid_out: "120.50" };
    expect(gainOf(h, pool)).toBe("1271.01");
    expect(gainOf({ ...h, contributed: "20000.00" }, pool)).toBe("-6728.99");
  });
});
