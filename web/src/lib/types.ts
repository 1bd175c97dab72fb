// The API's shapes, named as the screens use them. Every one comes from
// api-types.ts, which `make web-types` generates from /openapi.json (and
// `make test` checks is current), so the app's types cannot drift from the API.
// Amounts, units and prices are decimal strings.
import type { components } from "./api-types";

type Schemas = components["schemas"];

/** A pool as listed and read (with today's opening NAV per unit), or as pushed (without it). */
export type Pool = Schemas["PoolOut"] & { day_open_nav_per_unit?: string | null };
export type Position = Schemas["PositionOut"];
export type Investor = Schemas["InvestorOut"];
/** An investor as pushed: what is stored; value and share follow from the pool (lib/holding.ts). */
export type InvestorRecord = Schemas["InvestorRecordOut"];
export type Entry = Schemas["EntryOut"];
export type Allocation = Schemas["AllocationOut"];
export type DistributionPreview = Schemas["DistributionPreviewOut"];
export type NavPoint = Schemas["NavPointOut"];
export type WebhookEvent = Schemas["WebhookEventOut"];
export type Brokerage = Schemas["BrokerageOut"];
export type SentAlert = Schemas["SentAlertOut"];
export type Statement = Schemas["StatementOut"];
export type StatementLine = Schemas["StatementLineOut"];
export type Me = Schemas["MeResponse"];
export type Tokens = Schemas["TokensResponse"];
export type SignIn = Schemas["SignInResponse"];
export type MfaSecret = Schemas["MfaSecretResponse"];
export type MfaVerified = Schemas["MfaVerifiedResponse"];
export type ClientConfig = Schemas["ConfigResponse"];
export type AlertSettings = Schemas["AlertSettingsOut"];
export type Dealing = Schemas["DealingOut"];
export type Order = Schemas["OrderOut"];
export type Valuation = Schemas["ValuationOut"];
export type Settlement = Schemas["SettlementOut"];
export type Approval = Schemas["ApprovalOut"];
export type Approved = Schemas["ApprovedOut"];
export type ApprovalPolicy = Schemas["ApprovalPolicyOut"];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** What the WebSocket pushes: a pool's changes (as described in /openapi.json), and the socket's own replies. */
export type LiveMessage =
  | { type: "subscribed"; pool_id: string }
  | { type: "error"; code: string; message?: string; pool_id?: string }
  | Schemas["PoolUpdated"]
  | Schemas["ActivityCreated"]
  | Schemas["InvestorUpdated"];
export type Fees = Schemas["FeesOut"];
export type FeesAccrued = Schemas["AccruedOut"];
export type PoolPerformance = Schemas["PoolPerformanceOut"];
export type InvestorPerformance = Schemas["InvestorPerformanceOut"];
export type StatementList = Schemas["StatementList"];
export type StatementsEmail = Schemas["StatementsEmailOut"];
export type Firm = Schemas["FirmOut"];
export type FirmPool = Schemas["FirmPoolOut"];
export type WsTicket = Schemas["WsTicketResponse"];
export type Holding = Schemas["HoldingOut"];
export type HoldingList = Schemas["HoldingList"];
export type MyPool = Schemas["MyPoolOut"];
export type MyEntry = Schemas["MyEntryOut"];
export type EmailPreferences = Schemas["EmailPreferencesOut"];
export type InvestorInvitation = Schemas["InvestorInvitationOut"];
export type WithdrawalRequest = Schemas["WithdrawalRequestOut"];
export type RequestAccepted = Schemas["AcceptedOut"];
export type Login = Schemas["LoginOut"];
export type LoginList = Schemas["LoginList"];
