import { describe, expect, it } from "vitest";
import { sortPools } from "./firm";
import type { FirmPool } from "./types";

const pool = (name: string, currency: string, nav: string, ret: string, orders = 0): FirmPool => ({
  id: name, name, currency, status: "open", dealing_mode: "instant", nav, nav_per_unit: "1.000000", investor_count: 1,
  net_flows_month: "0.00", net_flows_year: "0.00", return_since_launch: ret, open_orders: orders, awaiting_approval: 0,
  valuation_in_hand: false, fees_payable: "0.00",
});

describe("the firm's pools", () => {
  const pools = [pool("B", "USD", "900.00", "0.1", 2), pool("A", "USD", "10000.00", "-0.05"), pool("C", "EUR", "5000.00", "0.02", 1)];

  it("sort amounts within their currency, never across", () => {
    expect(sortPools(pools, "nav", true).map((p) => p.name)).toEqual(["C", "A", "B"]);
    expect(sortPools(pools, "nav", false).map((p) => p.name)).toEqual(["C", "B", "A"]);
  });

  it("sort returns and counts across the firm, and names alphabetically", () => {
    expect(sortPools(pools, "return_since_launch", true).map((p) => p.name)).toEqual(["B", "C", "A"]);
    expect(sortPools(pools, "open_orders", true).map((p) => p.name)).toEqual(["B", "C", "A"]);
    expect(sortPools(pools, "name", false).map((p) => p.name)).toEqual(["A", "B", "C"]);
  });
});
