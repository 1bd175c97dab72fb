// The API's shapes (see /openapi.json). Amounts, units and prices are decimal strings.

export interface Position {
  symbol: string;
  quantity: string;
  avg_cost: string;
  last_price: string;
  market_value: string;
}

export interface Pool {
  id: string;
  name: string;
  currency: string;
  status: "open" | "closed" | string;
  unit_price: string;
  cash: string;
  nav: string;
  nav_per_unit: string;
  units: string;
  investor_count: number;
  positions: Position[];
  manager_id: string;
  version: number;
  created_at: string;
  updated_at: string;
  valued_at: string | null;
  day_open_nav_per_unit?: string | null;
}

export interface Investor {
  id: string;
  pool_id: string;
  name: string;
  email: string;
  status: "active" | "removed" | string;
  units: string;
  value: string;
  share: string;
  contributed: string;
  withdrawn: string;
  paid_out: string;
  created_at: string;
  updated_at: string;
}

export interface Entry {
  id: string;
  type: string;
  pool_id: string;
  investor_id: string | null;
  amount: string | null;
  units: string | null;
  nav_per_unit: string | null;
  cash_delta: string;
  symbol?: string | null;
  side?: string | null;
  quantity?: string | null;
  price?: string | null;
  fees?: string | null;
  memo?: string | null;
  actor: string;
  created_at: string;
}

export interface Allocation {
  investor_id: string;
  units: string;
  amount: string;
  name?: string;
}

export interface DistributionPreview {
  preview_id: string;
  amount: string;
  currency: string;
  nav_per_unit: string;
  units: string;
  allocations: Required<Allocation>[];
}

export interface NavPoint {
  at: string;
  nav: string;
  nav_per_unit: string;
  units: string;
}

export interface WebhookEvent {
  broker: string;
  event_id: string;
  type: string;
  status: "received" | "applied" | "parked";
  reason: string | null;
  entry_id: string | null;
  received_at: string;
}

export interface Brokerage {
  pool_id: string;
  broker: string;
  account_id: string;
  linked_by: string;
  linked_at: string;
}

export interface SentAlert {
  id: string;
  subject: string;
  text: string;
  recipients: string[];
  pool_id: string | null;
  sent_at: string;
}

export interface StatementLine {
  entry_id: string;
  type: string;
  created_at: string;
  amount: string;
  units: string;
  nav_per_unit: string | null;
  memo: string | null;
}

export interface Statement {
  pool: Pool;
  investor: Investor;
  lines: StatementLine[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Me {
  user_id: string;
  email: string;
  role: "managers" | "finance" | string;
  groups: string[];
}

export interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token: string | null;
  expires_in: number;
}

export interface ClientConfig {
  region: string;
  user_pool_id: string;
  client_id: string;
  websocket_url: string;
}

/** What the WebSocket pushes. */
export type LiveMessage =
  | { type: "subscribed"; pool_id: string }
  | { type: "error"; code: string; message?: string; pool_id?: string }
  | { type: "pool.updated"; pool_id: string; data: Partial<Pool> & { id?: string } }
  | { type: "activity.created"; pool_id: string; data: Entry }
  | { type: "investor.updated"; pool_id: string; data: Partial<Investor> & { id: string } };
