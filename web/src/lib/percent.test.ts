import { describe, expect, it } from "vitest";
import { fraction, movePoint, pctOf } from "./percent";

describe("percent and fraction", () => {
  it("converts both ways exactly", () => {
    expect(movePoint("10", "")).toBe("0.1");
    expect(movePoint("12", "5")).toBe("0.125");
    expect(movePoint("0", "25")).toBe("0.0025");
    expect(movePoint("100", "")).toBe("1");
    expect(pctOf("0.10")).toBe("10");
    expect(pctOf("0.125")).toBe("12.5");
    expect(pctOf("0.0025")).toBe("0.25");
    expect(pctOf("1")).toBe("100");
  });
});

describe("fraction", () => {
  it("turns a typed percent into the API's fraction without a float", () => {
    expect(fraction("1.2")).toBe("0.012");
    expect(fraction("20%")).toBe("0.2");
    expect(fraction("0")).toBe("0");
    expect(fraction("")).toBe("");
  });
});
