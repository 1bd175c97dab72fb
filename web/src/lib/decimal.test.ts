import { describe, expect, it } from "vitest";
import { add, change, compare, div, isDecimal, mul, parse, round, sign, sub, sum, toString } from "./decimal";

describe("decimal strings", () => {
  it("round-trips the API's strings exactly", () => {
    for (const s of ["0", "1.00", "-3.5", "1234567890123456789.123456", "0.000001"]) {
      expect(toString(parse(s))).toBe(s);
    }
  });

  it("adds and subtracts without float error", () => {
    expect(toString(add("0.1", "0.2"))).toBe("0.3");
    expect(toString(sub("1000.00", "999.99"))).toBe("0.01");
    expect(toString(sum(["33.34", "33.33", "33.33"]))).toBe("100.00");
    expect(toString(sub("1.5", "2.25"))).toBe("-0.75");
  });

  it("compares across scales", () => {
    expect(compare("1.50", "1.5")).toBe(0);
    expect(compare("0.09", "0.1")).toBe(-1);
    expect(sign("-0.01")).toBe(-1);
    expect(sign("0.00")).toBe(0);
  });

  it("divides with half-even rounding", () => {
    expect(toString(div("1", "3", 4))).toBe("0.3333");
    expect(toString(div("2", "3", 4))).toBe("0.6667");
    expect(toString(div("0.125", "1", 2))).toBe("0.12");
    expect(toString(div("0.135", "1", 2))).toBe("0.14");
    expect(toString(div("-1", "8", 2))).toBe("-0.12");
    expect(() => div("1", "0", 2)).toThrow(RangeError);
  });

  it("gives a relative change, or null from zero", () => {
    expect(toString(change("1.000000", "1.012500")!)).toBe("0.012500");
    expect(toString(change("100", "95")!)).toBe("-0.050000");
    expect(change("0", "1")).toBeNull();
  });

  it("refuses what is not a decimal", () => {
    expect(isDecimal("12.50")).toBe(true);
    for (const bad of ["", "1e3", "1,000", "abc", "1.2.3", "."]) expect(isDecimal(bad)).toBe(false);
    expect(() => parse("1e3")).toThrow();
  });
});

describe("products and rounding", () => {
  it("multiplies exactly and rounds half to even", () => {
    expect(toString(mul("1.5", "100.25"))).toBe("150.375");
    expect(toString(round("150.375", 2))).toBe("150.38");
    expect(toString(round("150.365", 2))).toBe("150.36");
    expect(toString(round("-0.005", 2))).toBe("0.00");
    expect(toString(round("2.5", 0))).toBe("2");
    expect(toString(round("1.2", 4))).toBe("1.2");
  });
});
