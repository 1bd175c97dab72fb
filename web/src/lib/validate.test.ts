import { describe, expect, it } from "vitest";
import { amount, currency, email, name, problems, symbol, unitCount } from "./validate";

describe("form checks", () => {
  it("accepts amounts at the currency's precision only", () => {
    expect(amount("100.00", "USD")).toBeNull();
    expect(amount("100.001", "USD")).toBe("Amount has more than 2 decimal places");
    expect(amount("100.5", "JPY")).toBe("Amount must be a whole number");
    expect(amount("0", "USD")).toBe("Amount must be greater than zero");
    expect(amount("-5", "USD")).toBe("Amount must be a number such as 100.00");
    expect(amount("1e3", "USD")).toBe("Amount must be a number such as 100.00");
    expect(amount("", "USD")).toBe("Amount is required");
  });

  it("accepts units to six places", () => {
    expect(unitCount("1.123456")).toBeNull();
    expect(unitCount("1.1234567")).toBe("Units has more than 6 decimal places");
  });

  it("checks names, emails, currencies and symbols", () => {
    expect(name("  ")).toBe("Name is required");
    expect(name("x".repeat(121))).toBe("Name must be at most 120 characters");
    expect(email("")).toBeNull();
    expect(email("nope")).toBe("Email is not a valid address");
    expect(currency("usd")).toBeNull();
    expect(currency("US")).toMatch(/three-letter/);
    expect(symbol("brk.b")).toBeNull();
    expect(symbol("A B")).toMatch(/letters, digits/);
  });

  it("keeps only the fields with a problem", () => {
    expect(problems({ name: null, amount: "Amount is required" })).toEqual({ amount: "Amount is required" });
  });
});
