// Exact decimal arithmetic on the API's decimal strings. Money never becomes a
// float in this app: amounts are kept as strings and, where a figure must be
// derived (an investor's gain, today's change), computed here with BigInt.

export interface Dec {
  readonly coef: bigint; // value = coef / 10^scale
  readonly scale: number;
}

const DECIMAL = /^\s*([+-])?(\d+)(?:\.(\d+))?\s*$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

export function parse(text: string): Dec {
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? "";
  const coef = BigInt(m[2] + frac);
  return { coef: m[1] === "-" ? -coef : coef, scale: frac.length };
}

function rescale(d: Dec, scale: number): bigint {
  return d.coef * 10n ** BigInt(scale - d.scale);
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [rescale(a, scale), rescale(b, scale), scale];
}

export function toString(d: Dec): string {
  const negative = d.coef < 0n;
  let digits = (negative ? -d.coef : d.coef).toString();
  if (d.scale === 0) return (negative ? "-" : "") + digits;
  digits = digits.padStart(d.scale + 1, "0");
  const whole = digits.slice(0, digits.length - d.scale);
  const frac = digits.slice(digits.length - d.scale);
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

type In = string | Dec;
const dec = (x: In): Dec => (typeof x === "string" ? parse(x) : x);

export function add(a: In, b: In): Dec {
  const [x, y, scale] = align(dec(a), dec(b));
  return { coef: x + y, scale };
}

export function sub(a: In, b: In): Dec {
  const [x, y, scale] = align(dec(a), dec(b));
  return { coef: x - y, scale };
}

export function sum(values: In[]): Dec {
  return values.reduce<Dec>((acc, v) => add(acc, v), { coef: 0n, scale: 0 });
}

export function compare(a: In, b: In): -1 | 0 | 1 {
  const [x, y] = align(dec(a), dec(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sign(a: In): -1 | 0 | 1 {
  const c = dec(a).coef;
  return c < 0n ? -1 : c > 0n ? 1 : 0;
}

/** a / b as num / den (den > 0) scaled so the integer quotient has ``places`` decimal places. */
function scaled(a: In, b: In, places: number): [bigint, bigint] {
  const x = dec(a);
  const y = dec(b);
  if (y.coef === 0n) throw new RangeError("division by zero");
  // a/b = (x.coef / 10^xs) / (y.coef / 10^ys); scale the numerator so the quotient has `places` digits.
  const shift = places + y.scale - x.scale;
  const num = x.coef * (shift >= 0 ? 10n ** BigInt(shift) : 1n);
  const den = y.coef * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  return den < 0n ? [-num, -den] : [num, den];
}

/** a / b to ``places`` decimal places, rounding half to even (the API's own rule for display ratios). */
export function div(a: In, b: In, places: number): Dec {
  const [num, den] = scaled(a, b, places);
  let q = num / den;
  const r = num % den;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice > den || (twice === den && (q % 2n !== 0n))) q += num < 0n ? -1n : 1n;
  return { coef: q, scale: places };
}

/** a / b to ``places`` decimal places, rounding toward zero (the API's rule for what units are worth). */
export function divDown(a: In, b: In, places: number): Dec {
  const [num, den] = scaled(a, b, places);
  return { coef: num / den, scale: places }; // BigInt division truncates toward zero
}

/** Relative change from ``from`` to ``to`` as a fraction (e.g. 0.0125 for +1.25%), or null when ``from`` is zero. */
export function change(from: In, to: In, places = 6): Dec | null {
  if (sign(from) === 0) return null;
  return div(sub(to, from), from, places);
}

export function mul(a: In, b: In): Dec {
  const x = dec(a);
  const y = dec(b);
  return { coef: x.coef * y.coef, scale: x.scale + y.scale };
}

/** Round half to even at ``places`` decimal places. */
export function round(a: In, places: number): Dec {
  const d = dec(a);
  if (d.scale <= places) return d;
  return div(d, "1", places);
}
