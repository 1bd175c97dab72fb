import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { knownPools, live, liveMessages, liveStatus, ownEntries, session, toasts, whoAmI } from "../context";
import { announce } from "../lib/announce";
import type { LiveStatus } from "../lib/live";
import { forInvestor, parseRoute, type Route } from "../lib/router";
import type { SessionEnd } from "../lib/api";
import type { Me } from "../lib/types";
import { logo } from "./login-view";
import "./login-view";
import "./pools-view";
import "./pool-view";
import "./statement-view";
import "./statements-view";
import "./alerts-view";
import "./people-view";
import "./approvals-view";
import "./valuation-view";
import "./portal-view";
import "./holding-view";
import "./toasts";

const STATUS_TEXT: Record<LiveStatus, string> = { live: "Live", connecting: "Connecting…", offline: "Offline, reconnecting" };

/** What the sign-in page says about how the last session ended. */
const ENDED: Record<SessionEnd, string> = {
  signed_out: "",
  expired: "Your session has expired. Sign in again to carry on where you were.",
  revoked: "You were signed out everywhere, from another browser or tab. Sign in again.",
  disabled: "Your login has been disabled. Ask your finance team if you think this is a mistake.",
};

export class AppShell extends LightElement {
  static override properties = { route: { state: true }, me: { state: true }, meFailed: { state: true }, status: { state: true } };
  declare route: Route;
  declare me: Me | null;
  declare meFailed: boolean;
  declare status: LiveStatus;
  private offs: Array<() => void> = [];

  constructor() {
    super();
    this.route = parseRoute(location.hash);
    this.me = null;
    this.meFailed = false;
    this.status = live.status;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    const onHash = () => {
      this.route = parseRoute(location.hash);
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", onHash);
    this.offs.push(() => window.removeEventListener("hashchange", onHash));
    this.offs.push(liveStatus.on((s) => (this.status = s)));
    // A toast for each money movement and webhook, on whatever screen is open.
    this.offs.push(
      liveMessages.on((m) => {
        if (m.type !== "activity.created" || ownEntries.delete(m.data.id)) return;
        const text = announce(m.data, knownPools.get(m.pool_id));
        if (text) toasts.emit({ kind: "info", text });
      }),
    );
    this.offs.push(
      session.onChange((signedIn) => {
        if (!signedIn) {
          this.me = null;
          // Signing out leaves for the sign-in page; an expired session keeps the page it
          // was on, so signing in again returns there.
          if (session.endedBy === "signed_out") location.hash = "#/login";
          this.requestUpdate();
        } else void this.loadMe();
      }),
    );
    if (session.signedIn) void this.loadMe();
  }

  override disconnectedCallback(): void {
    for (const off of this.offs) off();
    super.disconnectedCallback();
  }

  private async loadMe(): Promise<void> {
    try {
      this.me = await whoAmI();
      this.meFailed = false;
    } catch {
      this.me = null;
      this.meFailed = true;
    }
  }

  private signOut(): void {
    void session.signOutEverywhere();
  }

  protected override render() {
    if (!session.signedIn || this.route.name === "login") {
      if (session.signedIn && this.route.name === "login") {
        location.hash = "#/pools";
        return nothing;
      }
      // The page asked for stays in the address bar while signing in, and opens after.
      const notice =
        (session.endedBy ? ENDED[session.endedBy] : "") ||
        (this.route.name !== "login" && this.route.name !== "pools" ? "Sign in to open this page." : "");
      return html`<pd-login .notice=${notice}></pd-login><pd-toasts></pd-toasts>`;
    }
    // Who is signed in decides which app opens: wait for it, rather than flash the wrong one.
    if (!this.me && !this.meFailed) return html`<div class="empty" aria-busy="true">Opening Pooldesk…</div><pd-toasts></pd-toasts>`;
    if (this.me?.role === "investors") return this.portal();
    const r = this.route;
    const isFinance = this.me?.role === "finance";
    const current = (name: string) => (r.name === name || (name === "pools" && (r.name === "pool" || r.name === "statement" || r.name === "statements" || r.name === "valuation")) ? "page" : nothing);
    return html`
      <header class="topbar">
        <a class="brand" href="#/pools">${logo()} Pooldesk</a>
        <nav aria-label="Main">
          <a href="#/pools" aria-current=${current("pools")}>Pools</a>
          <a href="#/approvals" aria-current=${current("approvals")}>Approvals</a>
          ${isFinance ? html`<a href="#/alerts" aria-current=${current("alerts")}>Alerts</a>` : nothing}
          ${isFinance ? html`<a href="#/people" aria-current=${current("people")}>People</a>` : nothing}
        </nav>
        <span class="spacer"></span>
        <span class="conn" data-status=${this.status} data-testid="connection" title="Live updates">${STATUS_TEXT[this.status]}</span>
        ${this.me
          ? html`<span class="who">${session.email || this.me.email}<span class="role">${isFinance ? "Finance · approves, moves no money" : "Fund manager"}</span></span>`
          : nothing}
        <button type="button" @click=${this.signOut}>Sign out</button>
      </header>
      <main>${this.view(r)}</main>
      <pd-toasts></pd-toasts>
    `;
  }

  /** An investor's app: their holdings and nothing else (the API refuses the rest anyway). */
  private portal() {
    const r = forInvestor(this.route);
    if (r !== this.route) {
      location.hash = "#/portal";
      return nothing;
    }
    return html`
      <header class="topbar">
        <a class="brand" href="#/portal">${logo()} Pooldesk</a>
        <nav aria-label="Main"><a href="#/portal" aria-current=${r.name === "portal" ? "page" : nothing}>Holdings</a></nav>
        <span class="spacer"></span>
        <span class="who">${session.email || this.me?.email}<span class="role">Investor</span></span>
        <button type="button" @click=${this.signOut}>Sign out</button>
      </header>
      <main>${r.name === "holding" ? html`<pd-holding .poolId=${r.poolId} .period=${r.period}></pd-holding>` : html`<pd-portal></pd-portal>`}</main>
      <pd-toasts></pd-toasts>
    `;
  }

  private view(r: Route) {
    const role = this.me?.role ?? "";
    switch (r.name) {
      case "pools":
        return html`<pd-pools .role=${role}></pd-pools>`;
      case "pool":
        return html`<pd-pool .poolId=${r.poolId} .tab=${r.tab} .role=${role}></pd-pool>`;
      case "statement":
        return html`<pd-statement .poolId=${r.poolId} .investorId=${r.investorId} .period=${r.period}></pd-statement>`;
      case "statements":
        return html`<pd-statements .poolId=${r.poolId} .role=${role} .period=${r.period}></pd-statements>`;
      case "alerts":
        return html`<pd-alerts></pd-alerts>`;
      case "people":
        return html`<pd-people></pd-people>`;
      case "approvals":
        return html`<pd-approvals .role=${role}></pd-approvals>`;
      case "valuation":
        return html`<pd-valuation .poolId=${r.poolId} .valuationId=${r.valuationId} .role=${role}></pd-valuation>`;
      default:
        return html`<div class="panel"><div class="empty"><h2>Nothing here</h2><p>That page does not exist. <a href="#/pools">Back to your pools</a>.</p></div></div>`;
    }
  }
}
customElement("pd-app", AppShell);
