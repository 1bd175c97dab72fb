// Percent as people type it, fraction as the API takes it: converted by moving
// the decimal point, never through a float.
import { plainNumber } from "./typed";

/** "12.5" percent -> "0.125", by moving the decimal point (no float). */
export function movePoint(whole: string, frac: string): string {
  const digits = (whole.replace(/^0+/, "") || "0").padStart(3, "0") + frac;
  const point = digits.length - frac.length - 2;
  const out = `${digits.slice(0, point)}.${digits.slice(point)}`.replace(/^0+(?=\d)/, "");
  return out.includes(".") ? out.replace(/0+$/, "").replace(/\.$/, "") || "0" : out;
}

/** "0.125" -> "12.5". */
export function pctOf(fraction: string): string {
  const [w = "0", f = ""] = fraction.split(".");
  const padded = f.padEnd(2, "0");
  const whole = (w + padded.slice(0, 2)).replace(/^0+(?=\d)/, "");
  const rest = padded.slice(2).replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : whole;
}

/** "12.5" percent as typed (a "%" allowed) -> "0.125", the fraction the API takes; "" stays "". */
export function fraction(pct: string): string {
  const clean = plainNumber(pct.replace(/%$/, ""));
  if (!clean) return "";
  const [whole = "0", frac = ""] = clean.split(".");
  return movePoint(whole, frac);
}
