// What each form checks before sending: the same rules the API applies, so most
// mistakes are caught at the field, and the API's own answer still wins.
import { compare, isDecimal, parse } from "./decimal";
import { minorDigits } from "./format";

export type Problem = string | null;

/** A plain, non-negative decimal such as "1250.00" (what the API takes). */
export function isPlainDecimal(text: string): boolean {
  return /^\d+(\.\d+)?$/.test(text.trim());
}

function places(text: string): number {
  return parse(text).scale;
}

export function positiveDecimal(value: string, label: string, maxPlaces: number, allowZero = false): Problem {
  const v = value.trim();
  if (!v) return `${label} is required`;
  if (!isDecimal(v) || v.startsWith("-") || v.startsWith("+")) return `${label} must be a number such as 100.00`;
  if (!allowZero && compare(v, "0") <= 0) return `${label} must be greater than zero`;
  if (places(v) > maxPlaces) return maxPlaces === 0 ? `${label} must be a whole number` : `${label} has more than ${maxPlaces} decimal places`;
  if (v.replace(".", "").replace(/^0+/, "").length > 30) return `${label} is too large`;
  return null;
}

export const amount = (value: string, currency: string, label = "Amount"): Problem =>
  positiveDecimal(value, label, minorDigits(currency));

export const unitCount = (value: string, label = "Units"): Problem => positiveDecimal(value, label, 6);

export function name(value: string, label = "Name"): Problem {
  const v = value.trim();
  if (!v) return `${label} is required`;
  if (v.length > 120) return `${label} must be at most 120 characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(v)) return `${label} contains control characters`;
  return null;
}

export function email(value: string, required = false): Problem {
  const v = value.trim();
  if (!v) return required ? "Email is required" : null;
  if (!/^[^\s@]+@[^\s@]+$/.test(v) || v.length > 254) return "Email is not a valid address";
  return null;
}

export function currency(value: string): Problem {
  const v = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(v)) return "Currency must be a three-letter ISO code such as USD";
  try {
    new Intl.NumberFormat("en", { style: "currency", currency: v });
  } catch {
    return `Currency ${v} is not known`;
  }
  return null;
}

export function symbol(value: string): Problem {
  const v = value.trim().toUpperCase();
  if (!v) return "Symbol is required";
  if (v.length > 20 || !/^[A-Z0-9.\-:/_]+$/.test(v)) return "Symbol must be 1-20 letters, digits or . - : / _";
  return null;
}

export function accountId(value: string): Problem {
  const v = value.trim();
  if (!v) return "Account id is required";
  if (v.length > 64 || !/^[A-Za-z0-9._:-]+$/.test(v)) return "Account id may use letters, digits and . _ : -";
  return null;
}

export function broker(value: string): Problem {
  const v = value.trim();
  if (!v) return "Broker is required";
  if (v.length > 64 || !/^[a-z0-9][a-z0-9-]*$/.test(v)) return "Broker is a lower-case name such as demo";
  return null;
}

/** Drop the fields without a problem: what a form shows. */
export function problems(checks: Record<string, Problem>): Record<string, string> {
  return Object.fromEntries(Object.entries(checks).filter((e): e is [string, string] => e[1] !== null));
}
