// Routes live in the URL fragment (/#/pools/pl_1), so the app's paths can never
// shadow the API's on the shared origin, and any static host can serve it.

export type Route =
  | { name: "login" }
  | { name: "pools" }
  | { name: "pool"; poolId: string; tab: PoolTab }
  | { name: "statement"; poolId: string; investorId: string; period?: Period }
  | { name: "statements"; poolId: string; period?: Period }
  | { name: "valuation"; poolId: string; valuationId: string }
  | { name: "alerts" }
  | { name: "approvals" }
  | { name: "people" }
  | { name: "portal" }
  | { name: "holding"; poolId: string; period?: Period }
  | { name: "not-found"; path: string };

/** A statement's period, as YYYY-MM-DD days (either may be left to the API's default). */
export interface Period {
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function periodOf(hash: string): Period | undefined {
  const q = new URLSearchParams(hash.split("?")[1] ?? "");
  const from = q.get("from") ?? "";
  const to = q.get("to") ?? "";
  const period: Period = {};
  if (DAY.test(from)) period.from = from;
  if (DAY.test(to)) period.to = to;
  return period.from || period.to ? period : undefined;
}

function query(period?: Period): string {
  const q = new URLSearchParams();
  if (period?.from) q.set("from", period.from);
  if (period?.to) q.set("to", period.to);
  const text = q.toString();
  return text ? `?${text}` : "";
}

export type PoolTab = "overview" | "investors" | "dealing" | "activity" | "settings";
const TABS: PoolTab[] = ["overview", "investors", "dealing", "activity", "settings"];
const ID = /^[A-Za-z0-9_-]{1,64}$/;

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, "").split("?")[0] ?? "";
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "pools")) return { name: "pools" };
  if (parts.length === 1 && parts[0] === "login") return { name: "login" };
  if (parts.length === 1 && parts[0] === "alerts") return { name: "alerts" };
  if (parts.length === 1 && parts[0] === "approvals") return { name: "approvals" };
  if (parts.length === 1 && parts[0] === "people") return { name: "people" };
  // The investor portal: their holdings, and one holding (with a statement's period).
  if (parts.length === 1 && parts[0] === "portal") return { name: "portal" };
  if (parts.length === 2 && parts[0] === "portal" && ID.test(parts[1] ?? "")) {
    const period = periodOf(hash);
    return period ? { name: "holding", poolId: parts[1]!, period } : { name: "holding", poolId: parts[1]! };
  }
  if (parts[0] === "pools" && parts[1] && ID.test(parts[1])) {
    if (parts.length === 2) return { name: "pool", poolId: parts[1], tab: "overview" };
    if (parts.length === 3 && TABS.includes(parts[2] as PoolTab)) return { name: "pool", poolId: parts[1], tab: parts[2] as PoolTab };
    if (parts.length === 5 && parts[2] === "investors" && ID.test(parts[3] ?? "") && parts[4] === "statement") {
      const period = periodOf(hash);
      return period ? { name: "statement", poolId: parts[1], investorId: parts[3]!, period } : { name: "statement", poolId: parts[1], investorId: parts[3]! };
    }
    if (parts.length === 3 && parts[2] === "statements") {
      const period = periodOf(hash);
      return period ? { name: "statements", poolId: parts[1], period } : { name: "statements", poolId: parts[1] };
    }
    if (parts.length === 4 && parts[2] === "valuations" && ID.test(parts[3] ?? "")) {
      return { name: "valuation", poolId: parts[1], valuationId: parts[3]! };
    }
  }
  return { name: "not-found", path };
}

export function href(route: Route): string {
  switch (route.name) {
    case "login":
      return "#/login";
    case "pools":
      return "#/pools";
    case "alerts":
      return "#/alerts";
    case "approvals":
      return "#/approvals";
    case "people":
      return "#/people";
    case "portal":
      return "#/portal";
    case "holding":
      return `#/portal/${route.poolId}${query(route.period)}`;
    case "valuation":
      return `#/pools/${route.poolId}/valuations/${route.valuationId}`;
    case "pool":
      return route.tab === "overview" ? `#/pools/${route.poolId}` : `#/pools/${route.poolId}/${route.tab}`;
    case "statement":
      return `#/pools/${route.poolId}/investors/${route.investorId}/statement${query(route.period)}`;
    case "statements":
      return `#/pools/${route.poolId}/statements${query(route.period)}`;
    case "not-found":
      return `#${route.path}`;
  }
}

/** Where to go once signed in: the page that was asked for (a bookmark, an alert email's
 * link, the page a session expired on), or the pools list. */
export function afterSignIn(hash: string): string {
  const route = parseRoute(hash);
  return route.name === "login" || !hash.replace(/^#\/?/, "") ? "#/pools" : hash;
}

/** The pages an investor may open: the portal's. Anything else takes them to their holdings
 * (the API would refuse its data anyway). */
export function forInvestor(route: Route): Route {
  return route.name === "portal" || route.name === "holding" ? route : { name: "portal" };
}
