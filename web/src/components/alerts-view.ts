import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, session, toasts } from "../context";
import { dateTime } from "../lib/format";
import { fraction, pctOf } from "../lib/percent";
import type { AlertSettings, Page, SentAlert, WebhookEvent } from "../lib/types";
import { email as checkEmail, positiveDecimal } from "../lib/validate";

/** Finance: every alert emailed, and brokerage events no pool could take. */
export class AlertsView extends LightElement {
  static override properties = {
    alerts: { state: true },
    next: { state: true },
    unlinked: { state: true },
    email: { state: true },
    open: { state: true },
    oversight: { state: true },
    problem: { state: true },
  };
  declare oversight: AlertSettings | null;
  declare problem: string;
  declare alerts: SentAlert[];
  declare next: string | null;
  declare unlinked: WebhookEvent[];
  declare email: string;
  declare open: string;

  constructor() {
    super();
    this.alerts = [];
    this.next = null;
    this.unlinked = [];
    this.email = "";
    this.open = "";
    this.oversight = null;
    this.problem = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(false);
    this.email = session.email;
    void api.get<AlertSettings>("/alerts/oversight").then(
      (o) => (this.oversight = o),
      () => undefined,
    );
    void api.get<Page<WebhookEvent>>("/webhook-events/unlinked?limit=50").then(
      (p) => (this.unlinked = p.items),
      () => undefined,
    );
  }

  private async load(more: boolean): Promise<void> {
    try {
      const q = new URLSearchParams({ limit: "50" });
      if (more && this.next) q.set("cursor", this.next);
      const page = await api.get<Page<SentAlert>>(`/alerts?${q}`);
      this.alerts = more ? [...this.alerts, ...page.items] : page.items;
      this.next = page.next_cursor;
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  /** Finance's own recipients and the withdrawal threshold no manager can raise. */
  private async saveOversight(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const recipients = String(data.get("recipients") ?? "").split(/[\s,;]+/).filter(Boolean);
    const pct = String(data.get("threshold") ?? "").trim().replace(/%$/, "");
    const bad = recipients.find((r) => checkEmail(r));
    this.problem = bad ? `${bad} is not an email address` : (positiveDecimal(pct, "Threshold", 2) ?? "");
    if (this.problem) return;
    try {
      this.oversight = await api.put<AlertSettings>("/alerts/oversight", { recipients, withdrawal_threshold: fraction(pct) });
      toasts.emit({ kind: "success", text: "Finance's alert settings saved" });
    } catch (exc) {
      this.problem = (exc as Error).message;
    }
  }

  private oversightPanel(o: AlertSettings) {
    return html`<section class="panel" aria-labelledby="oversight-title" style="margin-bottom: 1rem">
      <header><h2 id="oversight-title">Finance's alerts</h2><span class="muted small">Every pool's alerts reach these; no manager can change them</span></header>
      <form class="body stack" @submit=${this.saveOversight} novalidate aria-label="Finance's alert settings">
        ${this.problem ? html`<div class="form-error" role="alert">${this.problem}</div>` : nothing}
        <div class="inline">
          <div class="field"><label for="oversight-recipients">Finance recipients</label>
            <input id="oversight-recipients" name="recipients" .value=${o.recipients.join(", ")} />
            <div class="hint">Comma-separated; empty means every finance user</div></div>
          <div class="field"><label for="oversight-threshold">Withdrawal threshold (% of NAV)</label>
            <input id="oversight-threshold" name="threshold" inputmode="decimal" .value=${pctOf(o.withdrawal_threshold)} />
            <div class="hint">A pool's own threshold applies only when lower</div></div>
        </div>
        <div><button class="primary" type="submit">Save finance's alerts</button></div>
      </form>
    </section>`;
  }

  protected override render() {
    return html`
      <div class="page-head">
        <div><h1>Alerts</h1><p class="muted small">Every alert emailed to finance, newest first.</p></div>
        <span class="spacer"></span>
        <button type="button" @click=${() => this.load(false)}>Refresh</button>
      </div>
      ${this.oversight ? this.oversightPanel(this.oversight) : nothing}
      <section class="panel" aria-labelledby="sent-title">
        <header><h2 id="sent-title">Sent alerts</h2></header>
        <div class="table-wrap">
          <table aria-label="Sent alerts">
            <thead><tr><th>Sent</th><th>Subject</th><th class="hide-narrow">To</th><th>Pool</th></tr></thead>
            <tbody>
              ${this.alerts.map(
                (a) => html`<tr class="clickable" data-testid="sent-alert" @click=${() => (this.open = this.open === a.id ? "" : a.id)}>
                    <td class="small">${dateTime(a.sent_at)}</td>
                    <td><button class="link" type="button" aria-expanded=${this.open === a.id ? "true" : "false"}>${a.subject}</button>
                      ${a.recipients.includes(this.email) ? html`<span class="badge">to you</span>` : nothing}</td>
                    <td class="small hide-narrow">${a.recipients.join(", ")}</td>
                    <td>${a.pool_id ? html`<a href="#/pools/${a.pool_id}" @click=${(e: Event) => e.stopPropagation()}>Open pool</a>` : "—"}</td>
                  </tr>
                  ${this.open === a.id ? html`<tr><td colspan="4"><pre style="white-space: pre-wrap; margin: 0">${a.text}</pre></td></tr>` : nothing}`,
              )}
            </tbody>
          </table>
          ${this.alerts.length === 0 ? html`<div class="empty">No alerts sent yet.</div>` : nothing}
        </div>
        ${this.next ? html`<div class="pager"><button type="button" @click=${() => this.load(true)}>Show older</button></div>` : nothing}
      </section>
      <section class="panel" aria-labelledby="unlinked-title" style="margin-top: 1rem">
        <header><h2 id="unlinked-title">Brokerage events with no pool</h2><span class="muted small">Parked until a manager links the account</span></header>
        <div class="table-wrap">
          <table aria-label="Unlinked brokerage events">
            <thead><tr><th>Received</th><th>Broker</th><th>Event</th><th>Reason</th></tr></thead>
            <tbody>
              ${this.unlinked.map(
                (e) => html`<tr><td class="small">${dateTime(e.received_at)}</td><td>${e.broker}</td><td><span class="badge parked">parked</span> ${e.type}</td><td>${e.reason}</td></tr>`,
              )}
            </tbody>
          </table>
          ${this.unlinked.length === 0 ? html`<div class="empty">None.</div>` : nothing}
        </div>
      </section>
    `;
  }
}
customElement("pd-alerts", AlertsView);
