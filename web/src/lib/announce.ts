// The toast for a ledger entry pushed live: every money movement, and anything
// a brokerage posted by webhook. Other entries (an investor added, a rename)
// stay in the activity list without interrupting.
import { money, quantity } from "./format";
import type { Entry } from "./types";

export interface PoolLabel {
  name: string;
  currency: string;
}

export function announce(e: Entry, pool: PoolLabel | undefined): string | null {
  const cur = pool?.currency ?? "USD";
  const where = pool ? ` · ${pool.name}` : "";
  const viaBroker = e.actor.startsWith("broker:");
  const via = viaBroker ? ` (webhook from ${e.actor.slice(7)})` : "";
  switch (e.type) {
    case "contribution":
      return `Contribution of ${money(e.amount ?? "0", cur)}${via}${where}`;
    case "withdrawal":
      return `Withdrawal of ${money(e.amount ?? "0", cur)}${via}${where}`;
    case "distribution":
      return `Distribution of ${money(e.amount ?? "0", cur)} paid${where}`;
    case "trade":
      return `Trade: ${e.side === "sell" ? "sold" : "bought"} ${quantity(e.quantity ?? "0")} ${e.symbol}${via}${where}`;
    case "dividend":
      return `Dividend of ${money(e.amount ?? e.cash_delta, cur)} received${via}${where}`;
    case "fee":
      return `Fee of ${money(e.amount ?? e.cash_delta, cur)} charged${via}${where}`;
    default:
      return viaBroker ? `Brokerage event applied${via}${where}` : null;
  }
}
