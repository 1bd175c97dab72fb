import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, toasts } from "../context";
import { money, percent, price, signedMoney, units as fmtUnits } from "../lib/format";
import { totalsByCurrency } from "../lib/portal";
import type { EmailPreferences, Holding, HoldingList } from "../lib/types";

const KINDS: Array<[keyof EmailPreferences, string]> = [
  ["order_settled", "When one of my orders settles"],
  ["distribution_paid", "When a distribution pays me"],
  ["statement_ready", "My statement, when statements are sent"],
];

/** An investor's home: every pool they are in (units, value, share, returns) and which emails they get. */
export class PortalView extends LightElement {
  static override properties = { holdings: { state: true }, prefs: { state: true }, failed: { state: true } };
  declare holdings: Holding[] | null;
  declare prefs: EmailPreferences | null;
  declare failed: string;

  constructor() {
    super();
    this.holdings = null;
    this.prefs = null;
    this.failed = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    try {
      const [list, prefs] = await Promise.all([api.get<HoldingList>("/me/holdings"), api.get<EmailPreferences>("/me/email-preferences")]);
      this.holdings = list.items;
      this.prefs = prefs;
    } catch (exc) {
      this.failed = (exc as Error).message;
    }
  }

  private async savePrefs(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const wanted = Object.fromEntries(KINDS.map(([k]) => [k, data.get(k) === "on"])) as EmailPreferences;
    try {
      this.prefs = await api.put<EmailPreferences>("/me/email-preferences", wanted);
      toasts.emit({ kind: "success", text: "Email preferences saved" });
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  protected override render() {
    if (this.failed) return html`<div class="panel"><div class="empty" role="alert">${this.failed}</div></div>`;
    if (!this.holdings) return html`<div class="panel"><div class="empty">Loading your holdings…</div></div>`;
    const totals = totalsByCurrency(this.holdings);
    return html`
      <div class="page-head"><div><h1>Your holdings</h1><p class="muted">What you hold in each pool, at its latest NAV per unit.</p></div></div>
      <div class="figures">
        ${totals.map((t) => html`<div class="figure"><div class="label">Total value, ${t.currency}</div><div class="value" data-testid="total-${t.currency}">${money(t.value, t.currency)}</div></div>`)}
        <div class="figure"><div class="label">Pools</div><div class="value">${this.holdings.length}</div></div>
      </div>
      <section class="panel" aria-labelledby="holdings-title">
        <header><h2 id="holdings-title">Pools</h2></header>
        ${this.holdings.length === 0
          ? html`<div class="empty">You hold nothing yet. Your fund manager links your holdings when they invite you.</div>`
          : html`<ul class="holdings" aria-label="Holdings">${this.holdings.map((h) => this.card(h))}</ul>`}
      </section>
      ${this.prefs ? this.preferences(this.prefs) : nothing}
    `;
  }

  private card(h: Holding) {
    const cur = h.pool.currency;
    const r = h.returns;
    return html`<li class="holding" data-pool-id=${h.pool.id}>
      <a class="holding-name" href="#/portal/${h.pool.id}"><strong>${h.pool.name}</strong></a>
      <dl>
        <div><dt>Value</dt><dd data-testid="holding-value">${money(h.value, cur)}</dd></div>
        <div><dt>Units</dt><dd>${fmtUnits(h.units)}</dd></div>
        <div><dt>NAV per unit</dt><dd>${price(h.pool.nav_per_unit, cur)}${h.pool.indicative ? html` <span class="muted small">indicative</span>` : nothing}</dd></div>
        <div><dt>Share of the pool</dt><dd>${percent(h.share, { digits: 2 })}</dd></div>
        <div><dt>Gain</dt><dd class=${r.gain.startsWith("-") ? "down" : "up"}>${signedMoney(r.gain, cur)}</dd></div>
        <div><dt>Return a year</dt><dd>${r.xirr === null || r.xirr === undefined ? html`<span class="muted">—</span>` : percent(r.xirr, { signed: true })}</dd></div>
      </dl>
    </li>`;
  }

  private preferences(p: EmailPreferences) {
    return html`<section class="panel" aria-labelledby="prefs-title" style="margin-top: 1rem">
      <header><h2 id="prefs-title">Emails</h2></header>
      <form class="body stack" @submit=${this.savePrefs} aria-label="Email preferences">
        <fieldset class="stack" style="border: 0; padding: 0; margin: 0">
          <legend class="muted small">Email me:</legend>
          ${KINDS.map(([k, label]) => html`<label class="choice"><input type="checkbox" name=${k} ?checked=${p[k]} /> ${label}</label>`)}
        </fieldset>
        <div class="button-row"><button class="primary" type="submit">Save email preferences</button></div>
      </form>
    </section>`;
  }
}
customElement("pd-portal", PortalView);
