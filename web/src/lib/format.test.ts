import { describe, expect, it } from "vitest";
import { parse } from "./decimal";
import { minorDigits, money, percent, price, signedMoney, units } from "./format";

describe("formatting", () => {
  it("formats money per the pool's currency without losing digits", () => {
    expect(money("1234567.89", "USD", "en-US")).toBe("$1,234,567.89");
    expect(money("1234.5", "EUR", "de-DE")).toBe("1.234,50\u00a0€");
    expect(money("1000", "JPY", "en-US")).toBe("¥1,000");
    // Beyond a double's precision, the string still prints exactly.
    expect(money("90071992547409.93", "USD", "en-US")).toBe("$90,071,992,547,409.93");
  });

  it("knows each currency's minor digits", () => {
    expect(minorDigits("USD")).toBe(2);
    expect(minorDigits("JPY")).toBe(0);
    expect(minorDigits("KWD")).toBe(3);
  });

  it("signs gains and losses", () => {
    expect(signedMoney("12.30", "USD", "en-US")).toBe("+$12.30");
    expect(signedMoney("-0.01", "USD", "en-US")).toBe("-$0.01");
    expect(signedMoney("0.00", "USD", "en-US")).toBe("$0.00");
  });

  it("shows NAV per unit to six places and units to up to six", () => {
    expect(price("1.012345", "USD", "en-US")).toBe("$1.012345");
    expect(price("100.00", "USD", "en-US")).toBe("$100.00");
    expect(units("1000.000000", "en-US")).toBe("1,000.00");
    expect(units("0.333333", "en-US")).toBe("0.333333");
  });

  it("formats fractions as percentages", () => {
    expect(percent("0.0125", { signed: true }, "en-US")).toBe("+1.25%");
    expect(percent(parse("-0.05"), { signed: true }, "en-US")).toBe("-5.00%");
    expect(percent("0.333333", {}, "en-US")).toBe("33.33%");
  });
});
