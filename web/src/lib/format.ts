// Display formatting. Intl.NumberFormat formats decimal strings exactly (no
// float conversion), so amounts go straight from the API to the screen.
import { type Dec, toString } from "./decimal";

const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

type Num = string | Dec;
const text = (v: Num): Intl.StringNumericLiteral => (typeof v === "string" ? v.trim() : toString(v)) as Intl.StringNumericLiteral;

/** The currency's minor-unit digits (2 for USD and EUR, 0 for JPY, 3 for KWD). */
export function minorDigits(currency: string): number {
  return numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function money(amount: Num, currency: string, locale?: string): string {
  return numberFormat(locale, { style: "currency", currency }).format(text(amount));
}

/** A signed amount for gains and cash movements: "+$1.00", "−$2.50", "$0.00". */
export function signedMoney(amount: Num, currency: string, locale?: string): string {
  return numberFormat(locale, { style: "currency", currency, signDisplay: "exceptZero" }).format(text(amount));
}

/** NAV per unit and prices: at least the currency's digits, up to 6. */
export function price(amount: Num, currency: string, locale?: string): string {
  const digits = minorDigits(currency);
  return numberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: Math.max(6, digits),
  }).format(text(amount));
}

/** Units: grouped, 2 to 6 places. */
export function units(amount: Num, locale?: string): string {
  return numberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 6 }).format(text(amount));
}

export function quantity(amount: Num, locale?: string): string {
  return numberFormat(locale, { maximumFractionDigits: 8 }).format(text(amount));
}

/** A fraction as a percentage: 0.0125 -> "1.25%"; signed shows "+1.25%". */
export function percent(fraction: Num, { signed = false, digits = 2 } = {}, locale?: string): string {
  return numberFormat(locale, {
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    signDisplay: signed ? "exceptZero" : "auto",
  }).format(text(fraction));
}

export function count(n: number, locale?: string): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

export function dateTime(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "medium" }).format(new Date(iso));
}

export function date(iso: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(iso));
}

const ENTRY_LABELS: Record<string, string> = {
  "pool.opened": "Pool opened",
  "pool.renamed": "Pool renamed",
  "pool.closed": "Pool closed",
  "pool.reopened": "Pool reopened",
  "pool.dealing_set": "Dealing changed",
  "investor.added": "Investor added",
  "investor.removed": "Investor removed",
  "investor.edited": "Investor edited",
  contribution: "Contribution",
  withdrawal: "Withdrawal",
  distribution: "Distribution",
  trade: "Trade",
  dividend: "Dividend",
  fee: "Fee",
  reversal: "Reversal",
  "order.placed": "Order placed",
  "order.cancelled": "Order cancelled",
  "valuation.proposed": "Valuation proposed",
  "valuation.approved": "Valuation approved",
  "valuation.rejected": "Valuation rejected",
  "pool.approvals_set": "Approvals changed",
  "approval.requested": "Held for approval",
  "approval.approved": "Approved",
  "approval.rejected": "Rejected",
  "valuation.settled": "Valuation settled",
  "pool.fees_set": "Fees changed",
  "fees.crystallised": "Performance fee crystallised",
  "fees.paid": "Fees paid",
  "pool.benchmark_set": "Benchmark changed",
  "statements.sent": "Statements emailed",
  "withdrawal.requested": "Withdrawal requested",
  "withdrawal.request_accepted": "Withdrawal request accepted",
  "withdrawal.declined": "Withdrawal request declined",
  "withdrawal.request_cancelled": "Withdrawal request cancelled",
};

export function entryLabel(type: string): string {
  return ENTRY_LABELS[type] ?? type;
}

export const ENTRY_TYPES = Object.keys(ENTRY_LABELS);
