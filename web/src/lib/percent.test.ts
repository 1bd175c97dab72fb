import { describe, expect, it } from "vitest";
import { movePoint, pctOf } from "./percent";

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
