import { describe, expect, it } from "vitest";
import { afterSignIn, forInvestor, href, parseRoute, type Route } from "./router";

describe("hash routes", () => {
  it("parses every screen and round-trips", () => {
    const routes: Route[] = [
      { name: "pools" },
      { name: "login" },
      { name: "alerts" },
      { name: "pool", poolId: "pl_1", tab: "overview" },
      { name: "pool", poolId: "pl_1", tab: "investors" },
      { name: "pool", poolId: "pl_1", tab: "activity" },
      { name: "statement", poolId: "pl_1", investorId: "inv_9" },
      { name: "statement", poolId: "pl_1", investorId: "inv_9", period: { from: "2026-10-01", to: "2026-12-31" } },
      { name: "statements", poolId: "pl_1", period: { from: "2026-10-01", to: "2026-12-31" } },
      { name: "statements", poolId: "pl_1" },
      { name: "pool", poolId: "pl_1", tab: "dealing" },
      { name: "valuation", poolId: "pl_1", valuationId: "val_01abc" },
      { name: "approvals" },
      { name: "people" },
      { name: "portal" },
      { name: "holding", poolId: "pl_1" },
      { name: "holding", poolId: "pl_1", period: { from: "2026-01-01", to: "2026-03-31" } },
    ];
    for (const r of routes) expect(parseRoute(href(r))).toEqual(r);
  });

  it("treats an empty hash as the pool list and refuses odd paths", () => {
    expect(parseRoute("")).toEqual({ name: "pools" });
    expect(parseRoute("#/")).toEqual({ name: "pools" });
    expect(parseRoute("#/pools/pl_1/secrets").name).toBe("not-found");
    expect(parseRoute("#/pools/..%2Fx").name).toBe("not-found");
    expect(parseRoute("#/pools/pl_1/valuations/..%2Fx").name).toBe("not-found");
    // A period that is not two days is left to the API's default, not passed on.
    expect(parseRoute("#/pools/pl_1/statements?from=yesterday&to=2026-12-31")).toEqual({ name: "statements", poolId: "pl_1", period: { to: "2026-12-31" } });
  });

  it("returns to the page that was asked for after signing in", () => {
    expect(afterSignIn("#/pools/pl_1/activity?type=withdrawal")).toBe("#/pools/pl_1/activity?type=withdrawal");
    expect(afterSignIn("#/alerts")).toBe("#/alerts");
    expect(afterSignIn("#/login")).toBe("#/pools");
    expect(afterSignIn("")).toBe("#/pools");
    expect(afterSignIn("#/")).toBe("#/pools");
  });

  it("keeps an investor to the portal's pages", () => {
    expect(forInvestor(parseRoute("#/portal/pl_1"))).toEqual({ name: "holding", poolId: "pl_1" });
    for (const other of ["#/pools", "#/pools/pl_1/investors", "#/approvals", "#/alerts", "#/nowhere"]) {
      expect(forInvestor(parseRoute(other))).toEqual({ name: "portal" });
    }
  });
});
