import { describe, expect, it } from "vitest";
import { plainAmount, plainNumber } from "./typed";

describe("amounts as people type them", () => {
  it("drops the currency and thousands separators", () => {
    expect(plainAmount("1,000", "USD")).toBe("1000");
    expect(plainAmount("$500", "USD")).toBe("500");
    expect(plainAmount("$ 1,234,567.89", "USD")).toBe("1234567.89");
    expect(plainAmount("250.00 USD", "USD")).toBe("250.00");
    expect(plainAmount("€1,000", "EUR")).toBe("1000");
    expect(plainAmount("£12", "GBP")).toBe("12");
    expect(plainAmount("¥3,000", "JPY")).toBe("3000");
  });

  it("leaves what it cannot read for certain, so the form says what is wrong", () => {
    expect(plainAmount("1,00", "USD")).toBe("1,00"); // a decimal comma, or a typo: not ours to guess
    expect(plainAmount("1.000,50", "EUR")).toBe("1.000,50");
    expect(plainAmount("€500", "USD")).toBe("€500"); // another currency's symbol
    expect(plainAmount("-$5", "USD")).toBe("-$5");
    expect(plainAmount("abc", "USD")).toBe("abc");
  });

  it("reads units and quantities the same way, without a currency", () => {
    expect(plainNumber("1,250.5")).toBe("1250.5");
    expect(plainNumber(" 12 ")).toBe("12");
    expect(plainNumber("1,2")).toBe("1,2");
  });
});
