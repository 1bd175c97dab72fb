// What an investor's units are worth in a pool, computed exactly as the API
// computes it (chalicelib/domain/model.py: Pool.value_of, Pool.share_of), so a
// row can follow every NAV push without asking the server again.
import { add, divDown, div, mul, sign, sub, toString } from "./decimal";
import { minorDigits } from "./format";

export interface PoolFigures {
  currency: string;
  nav: string;
  units: string;
  unit_price: string;
}

export interface Holding {
  units: string;
  contributed: string;
  withdrawn: string;
  paid_out: string;
}

/** Units × NAV ÷ pool units, rounded down to the currency's minor unit (the launch price while no units exist). */
export function valueOf(units: string, pool: PoolFigures): string {
  const digits = minorDigits(pool.currency);
  if (sign(pool.units) === 0) return toString(divDown(mul(units, pool.unit_price), "1", digits));
  return toString(divDown(mul(units, pool.nav), pool.units, digits));
}

/** The fraction of the pool's units held, 6 places, half to even. */
export function shareOf(units: string, pool: PoolFigures): string {
  if (sign(pool.units) === 0) return "0.000000";
  return toString(div(units, pool.units, 6));
}

/** Gain = value now + withdrawn + paid out − contributed, exactly. */
export function gainOf(holding: Holding, pool: PoolFigures): string {
  return toString(sub(add(add(valueOf(holding.units, pool), holding.withdrawn), holding.paid_out), holding.contributed));
}
