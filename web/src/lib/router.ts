// Routes live in the URL fragment (/#/pools/pl_1), so the app's paths can never
// shadow the API's on the shared origin, and any static host can serve it.

export type Route =
  | { name: "login" }
  | { name: "pools" }
  | { name: "pool"; poolId: string; tab: PoolTab }
  | { name: "statement"; poolId: string; investorId: string }
  | { name: "valuation"; poolId: string; valuationId: string }
  | { name: "alerts" }
  | { name: "approvals" }
  | { name: "not-found"; path: string };

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
  if (parts[0] === "pools" && parts[1] && ID.test(parts[1])) {
    if (parts.length === 2) return { name: "pool", poolId: parts[1], tab: "overview" };
    if (parts.length === 3 && TABS.includes(parts[2] as PoolTab)) return { name: "pool", poolId: parts[1], tab: parts[2] as PoolTab };
    if (parts.length === 5 && parts[2] === "investors" && ID.test(parts[3] ?? "") && parts[4] === "statement") {
      return { name: "statement", poolId: parts[1], investorId: parts[3]! };
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
    case "valuation":
      return `#/pools/${route.poolId}/valuations/${route.valuationId}`;
    case "pool":
      return route.tab === "overview" ? `#/pools/${route.poolId}` : `#/pools/${route.poolId}/${route.tab}`;
    case "statement":
      return `#/pools/${route.poolId}/investors/${route.investorId}/statement`;
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
