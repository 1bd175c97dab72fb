// The investor portal's own rules: what an order form sends, totals across holdings
// (one per currency: amounts in different currencies are never added), and how a
// line of the investor's own activity reads.
import { sum, toString } from "./decimal";
import { entryLabel } from "./format";
import { amount as amountProblem, unitCount } from "./validate";

export type OrderType = "subscription" | "redemption";
export type OrderBy = "amount" | "units";

export interface MyOrderBody {
  type: OrderType;
  amount?: string;
  units?: string;
}

/** The body of an investor's own order, or the problem with the form (naming its field). */
export function myOrder(type: OrderType, by: OrderBy, value: string, currency: string): { body: MyOrderBody } | { problem: string; field: OrderBy } {
  // A subscription is always for an amount: units are issued at the NAV it deals at.
  const field: OrderBy = type === "subscription" ? "amount" : by;
  const problem = field === "amount" ? amountProblem(value, currency) : unitCount(value);
  if (problem) return { problem, field };
  return { body: field === "amount" ? { type, amount: value.trim() } : { type, units: value.trim() } };
}

export interface Valued {
  value: string;
  pool: { currency: string };
}

/** What the holdings are worth, one total per currency, in the order the currencies first appear. */
export function totalsByCurrency(holdings: Valued[]): Array<{ currency: string; value: string }> {
  const by = new Map<string, string[]>();
  for (const h of holdings) by.set(h.pool.currency, [...(by.get(h.pool.currency) ?? []), h.value]);
  return [...by.entries()].map(([currency, values]) => ({ currency, value: toString(sum(values)) }));
}

/** How a line of the investor's own activity reads: a distribution is their share of it. */
export function myEntryLabel(type: string): string {
  if (type === "distribution") return "Distribution (your share)";
  if (type === "investor.added") return "Joined the pool";
  if (type === "fees.crystallised") return "Performance fee (units cancelled)";
  return entryLabel(type);
}

/** The body of a withdrawal request (a pool that deals at once), or the problem with the form. */
export function myWithdrawal(by: OrderBy, value: string, currency: string): { body: { amount?: string; units?: string } } | { problem: string; field: OrderBy } {
  const checked = myOrder("redemption", by, value, currency);
  if ("problem" in checked) return checked;
  const { type: _type, ...body } = checked.body;
  return { body };
}
