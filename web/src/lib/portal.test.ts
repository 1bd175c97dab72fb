import { describe, expect, it } from "vitest";
import { myEntryLabel, myOrder, myWithdrawal, totalsByCurrency } from "./portal";

describe("an investor's own order", () => {
  it("subscribes an amount, and redeems an amount or units", () => {
    expect(myOrder("subscription", "units", "250.00", "USD")).toEqual({ body: { type: "subscription", amount: "250.00" } });
    expect(myOrder("redemption", "units", " 12.5 ", "USD")).toEqual({ body: { type: "redemption", units: "12.5" } });
    expect(myOrder("redemption", "amount", "100", "JPY")).toEqual({ body: { type: "redemption", amount: "100" } });
  });

  it("names the field a mistake is in, as the API would", () => {
    expect(myOrder("subscription", "amount", "", "USD")).toEqual({ problem: "Amount is required", field: "amount" });
    expect(myOrder("subscription", "amount", "1.005", "USD")).toEqual({ problem: "Amount has more than 2 decimal places", field: "amount" });
    expect(myOrder("redemption", "units", "-3", "USD")).toMatchObject({ field: "units" });
    expect(myOrder("redemption", "amount", "0", "USD")).toEqual({ problem: "Amount must be greater than zero", field: "amount" });
  });
});

describe("holdings", () => {
  it("total one currency at a time, exactly", () => {
    const holdings = [
      { value: "0.10", pool: { currency: "USD" } },
      { value: "1000.00", pool: { currency: "EUR" } },
      { value: "0.20", pool: { currency: "USD" } },
    ];
    expect(totalsByCurrency(holdings)).toEqual([
      { currency: "USD", value: "0.30" },
      { currency: "EUR", value: "1000.00" },
    ]);
    expect(totalsByCurrency([])).toEqual([]);
  });

  it("read as the investor's own lines", () => {
    expect(myEntryLabel("distribution")).toBe("Distribution (your share)");
    expect(myEntryLabel("investor.added")).toBe("Joined the pool");
  });
});

describe("a withdrawal request", () => {
  it("asks for an amount or units, checked as an order is", () => {
    expect(myWithdrawal("amount", "120.00", "USD")).toEqual({ body: { amount: "120.00" } });
    expect(myWithdrawal("units", "10", "USD")).toEqual({ body: { units: "10" } });
    expect(myWithdrawal("amount", "abc", "USD")).toEqual({ problem: "Amount must be a number such as 100.00", field: "amount" });
  });
});
