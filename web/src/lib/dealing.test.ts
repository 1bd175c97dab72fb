import { describe, expect, it } from "vitest";
import { byDealingDay, gateFraction } from "./dealing";

// The worked dealing day of docs/accounting.md: NAV 15,500.00 over 15,000 units.
const pool = { currency: "USD", nav: "15500.00", units: "15000.000000", unit_price: "1.00" };
const order = (id: string, type: "subscription" | "redemption", day: string | null, amount: string | null, units: string | null) => ({
  id,
  type,
  amount,
  units,
  dealing_date: day,
});

describe("a forward pool's open orders", () => {
  it("group by dealing day, soonest first, with the next valuation's last", () => {
    const days = byDealingDay(
      [
        order("o3", "redemption", "2026-12-02", null, "10"),
        order("o1", "subscription", "2026-12-01", "2000.00", null),
        order("o4", "subscription", null, "5.00", null),
        order("o2", "subscription", "2026-12-01", "500.00", null),
      ],
      pool,
      null,
    );
    expect(days.map((d) => d.day)).toEqual(["2026-12-01", "2026-12-02", null]);
    expect(days[0]?.subscriptions).toBe("2500.00");
    expect(days[0]?.redemptions).toBe("0.00");
    expect(days[0]?.orders.map((o) => o.id)).toEqual(["o1", "o2"]);
    // 10 units at 15,500 / 15,000, rounded down to the cent.
    expect(days[1]?.redemptions).toBe("10.33");
  });

  it("forecast the gate's fraction as the API strikes it", () => {
    const days = byDealingDay(
      [order("o3", "redemption", "2026-12-01", null, "1000"), order("o4", "redemption", "2026-12-01", null, "2000")],
      pool,
      "0.10",
    );
    // 1,033.33 + 2,066.66 asked against 1,550.00 allowed: 0.500001 each.
    expect(days[0]?.redemptions).toBe("3099.99");
    expect(days[0]?.gateFraction).toBe("0.500001");
    expect(gateFraction("1550.00", "0.10", "15500.00")).toBeNull();
    expect(gateFraction("0.00", "0.10", "15500.00")).toBeNull();
  });
});
