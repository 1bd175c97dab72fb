// A forward pool's open orders, as the Orders view shows them: by dealing day,
// with each day's totals and what the gate would do to its redemptions at the
// live (indicative) NAV. The struck valuation decides; this only forecasts it.
import { compare, divDown, mul, sign, sum, toString } from "./decimal";
import { valueOf } from "./holding";

export interface OpenOrder {
  id: string;
  type: "subscription" | "redemption";
  amount: string | null;
  units: string | null;
  dealing_date: string | null;
}

interface PoolFigures {
  currency: string;
  nav: string;
  units: string;
  unit_price: string;
}

export interface DealingDay<O extends OpenOrder> {
  /** The dealing day, or null: at the next valuation proposed (a pool without a cut-off). */
  day: string | null;
  orders: O[];
  subscriptions: string;
  /** What the day's redemptions ask for at the indicative NAV. */
  redemptions: string;
  /** The share of its ask each redemption would be paid, 6 places rounded down; null when the gate does not bite. */
  gateFraction: string | null;
}

/** What a redemption asks for in cash: its amount, or its units at the indicative NAV (rounded down). */
export function askedValue(order: OpenOrder, pool: PoolFigures): string {
  if (order.amount !== null) return order.amount;
  return valueOf(order.units ?? "0", pool);
}

/** The fraction a gate pays when redemptions ask more than gate × NAV (as the API computes it), or null. */
export function gateFraction(asked: string, gate: string | null, nav: string): string | null {
  if (gate === null || sign(asked) <= 0) return null;
  const limit = mul(gate, nav);
  if (compare(asked, limit) <= 0) return null;
  return toString(divDown(limit, asked, 6));
}

/** Open orders grouped by dealing day, soonest first (the next valuation's, undated, last). */
export function byDealingDay<O extends OpenOrder>(orders: O[], pool: PoolFigures, gate: string | null): DealingDay<O>[] {
  const days = new Map<string | null, O[]>();
  for (const o of orders) days.set(o.dealing_date, [...(days.get(o.dealing_date) ?? []), o]);
  const keys = [...days.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)));
  return keys.map((day) => {
    const list = days.get(day) ?? [];
    const subs = list.filter((o) => o.type === "subscription").map((o) => o.amount ?? "0");
    const reds = list.filter((o) => o.type === "redemption").map((o) => askedValue(o, pool));
    const redemptions = toString(sum(reds.length ? reds : ["0.00"]));
    return {
      day,
      orders: list,
      subscriptions: toString(sum(subs.length ? subs : ["0.00"])),
      redemptions,
      gateFraction: gateFraction(redemptions, gate, pool.nav),
    };
  });
}
