// The firm at a glance: sorting its pools, exactly (amounts compared as decimals).
import { compare } from "./decimal";
import type { FirmPool } from "./types";

export type FirmColumn =
  | "name"
  | "nav"
  | "nav_per_unit"
  | "net_flows_month"
  | "net_flows_year"
  | "return_since_launch"
  | "open_orders"
  | "awaiting_approval"
  | "investor_count";

const TEXT: FirmColumn[] = ["name"];
const COUNTS: FirmColumn[] = ["open_orders", "awaiting_approval", "investor_count"];

/** Pools sorted by a column; amounts in different currencies sort by currency first (never compared across). */
export function sortPools(pools: FirmPool[], column: FirmColumn, descending: boolean): FirmPool[] {
  const dir = descending ? -1 : 1;
  const byAmount = !TEXT.includes(column) && !COUNTS.includes(column) && column !== "return_since_launch";
  return [...pools].sort((a, b) => {
    if (byAmount && a.currency !== b.currency) return a.currency < b.currency ? -1 : 1;
    let c: number;
    if (TEXT.includes(column)) c = a.name.localeCompare(b.name);
    else if (COUNTS.includes(column)) c = (a[column] as number) - (b[column] as number);
    else c = compare(a[column] as string, b[column] as string);
    return c * dir || a.name.localeCompare(b.name);
  });
}
