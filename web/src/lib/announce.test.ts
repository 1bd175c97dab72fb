import { describe, expect, it } from "vitest";
import { announce } from "./announce";
import type { Entry } from "./types";

const base: Entry = {
  id: "e1", type: "contribution", pool_id: "pl_1", investor_id: "inv_1", amount: "1000.00", units: "1000.000000",
  nav_per_unit: "1.000000", cash_delta: "1000.00", actor: "user-1", created_at: "2026-11-25T10:00:00Z",
  actor_name: "Morgan Manager <manager@example.com>", investor_name: "Ada Lovelace",
  symbol: null, side: null, quantity: null, price: null, fees: null, memo: null, order_id: null, valuation_id: null, reverses: null, reversed_by: null, trade_date: null,
  payable_delta: null, performance_fee: null, request_id: null,
};
const pool = { name: "Harbor Growth Fund", currency: "USD" };

describe("live toasts", () => {
  it("announce every money movement with its pool", () => {
    expect(announce(base, pool)).toBe("Contribution of $1,000.00 · Harbor Growth Fund");
    expect(announce({ ...base, type: "distribution", amount: "300.00" }, pool)).toBe("Distribution of $300.00 paid · Harbor Growth Fund");
  });

  it("say which broker posted a webhook", () => {
    const trade = { ...base, type: "trade", side: "buy", quantity: "5", symbol: "AAPL", actor: "broker:demo" };
    expect(announce(trade, pool)).toBe("Trade: bought 5 AAPL (webhook from demo) · Harbor Growth Fund");
  });

  it("stay quiet for entries that move no money", () => {
    expect(announce({ ...base, type: "investor.added" }, pool)).toBeNull();
  });
});
