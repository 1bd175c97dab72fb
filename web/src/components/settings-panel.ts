import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError, type FormErrors } from "./forms";
import { api, toasts } from "../context";
import { ApiError } from "../lib/api";
import { dateTime, percent } from "../lib/format";
import type { AlertSettings, Brokerage, Pool } from "../lib/types";
import { plainNumber } from "../lib/typed";
import { movePoint, pctOf } from "../lib/percent";
import * as check from "../lib/validate";
import "./policy-panel";
import "./fees-panel";

const NONE: FormErrors = { fields: {}, form: "" };

/** The pool's brokerage link and who is emailed about it. */
export class SettingsPanel extends LightElement {
  static override properties = {
    pool: { attribute: false },
    canWrite: { type: Boolean },
    isFinance: { type: Boolean },
    link: { state: true },
    alerts: { state: true },
    linkErrors: { state: true },
    poolErrors: { state: true },
    alertErrors: { state: true },
  };
  declare pool: Pool;
  declare canWrite: boolean;
  declare isFinance: boolean;
  declare link: Brokerage | null;
  declare alerts: AlertSettings | null;
  declare linkErrors: FormErrors;
  declare poolErrors: FormErrors;
  declare alertErrors: FormErrors;
  private loadedFor = "";

  constructor() {
    super();
    this.canWrite = false;
    this.isFinance = false;
    this.link = null;
    this.alerts = null;
    this.linkErrors = NONE;
    this.poolErrors = NONE;
    this.alertErrors = NONE;
  }

  protected override willUpdate(): void {
    if (this.pool && this.loadedFor !== this.pool.id) {
      this.loadedFor = this.pool.id;
      void this.load();
    }
  }

  /** Finance approves or declines a pending link (a second person: anyone could type an account id). */
  private async decide(what: "approve" | "decline"): Promise<void> {
    try {
      const done = await api.post<Brokerage>(`/pools/${this.pool.id}/brokerage/${what}`, undefined);
      this.link = what === "approve" ? done : null;
      toasts.emit({ kind: "success", text: what === "approve" ? `Link to ${done.account_id} approved` : `Link to ${done.account_id} declined` });
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async load(): Promise<void> {
    try {
      this.link = await api.get<Brokerage>(`/pools/${this.pool.id}/brokerage`);
    } catch (exc) {
      if (!(exc instanceof ApiError && exc.status === 404)) toasts.emit({ kind: "error", text: (exc as Error).message });
      this.link = null;
    }
    try {
      this.alerts = await api.get<AlertSettings>(`/pools/${this.pool.id}/alert-settings`);
    } catch {
      this.alerts = null;
    }
  }

  private async rename(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    const problem = check.name(v.name ?? "");
    this.poolErrors = { fields: problem ? { name: problem } : {}, form: "" };
    if (problem || v.name === this.pool.name) return;
    try {
      await api.patch<Pool>(`/pools/${this.pool.id}`, { name: v.name });
      toasts.emit({ kind: "success", text: `Renamed to ${v.name}` });
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true }));
    } catch (exc) {
      this.poolErrors = fromApiError(exc, ["name"]);
    }
  }

  private async saveBenchmark(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const symbol = (formValues(e.target as HTMLFormElement).symbol ?? "").trim().toUpperCase();
    if ((symbol || null) === (this.pool.benchmark_symbol ?? null)) return;
    try {
      await api.put<Pool>(`/pools/${this.pool.id}/benchmark`, { symbol: symbol || null });
      toasts.emit({ kind: "success", text: symbol ? `Benchmark: ${symbol}` : "No benchmark" });
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true }));
    } catch (exc) {
      this.poolErrors = fromApiError(exc, ["symbol"]);
    }
  }

  private async setStatus(status: "open" | "closed"): Promise<void> {
    const verb = status === "closed" ? "Close" : "Reopen";
    if (status === "closed" && !confirm(`Close ${this.pool.name}? No money moves in or out until it is reopened.`)) return;
    try {
      await api.patch<Pool>(`/pools/${this.pool.id}`, { status });
      toasts.emit({ kind: "success", text: `${verb}d ${this.pool.name}` });
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true }));
    } catch (exc) {
      this.poolErrors = fromApiError(exc, []);
    }
  }

  private async saveLink(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    const fields = check.problems({ broker: check.broker(v.broker ?? ""), account_id: check.accountId(v.account_id ?? "") });
    this.linkErrors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    try {
      this.link = await api.put<Brokerage>(`/pools/${this.pool.id}/brokerage`, { broker: v.broker, account_id: v.account_id });
      toasts.emit({ kind: "success", text: `Linked to ${v.broker} account ${v.account_id}` });
    } catch (exc) {
      this.linkErrors = fromApiError(exc, ["broker", "account_id"]);
    }
  }

  private async saveAlerts(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    const recipients = (v.recipients ?? "").split(/[\s,;]+/).filter(Boolean);
    const bad = recipients.find((r) => check.email(r));
    const threshold = plainNumber((v.withdrawal_threshold_pct ?? "").replace(/%$/, ""));
    const fields = check.problems({
      recipients: bad ? `${bad} is not an email address` : null,
      withdrawal_threshold_pct: check.positiveDecimal(threshold, "Threshold", 2, true),
    });
    this.alertErrors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    // The API takes a fraction of NAV; people think in percent.
    const [whole = "0", frac = ""] = threshold.split(".");
    const fraction = movePoint(whole, frac);
    try {
      this.alerts = await api.put<AlertSettings>(`/pools/${this.pool.id}/alert-settings`, { recipients, withdrawal_threshold: fraction });
      toasts.emit({ kind: "success", text: "Alert settings saved" });
    } catch (exc) {
      const errs = fromApiError(exc, ["recipients", "withdrawal_threshold"]);
      if (errs.fields.withdrawal_threshold) errs.fields.withdrawal_threshold_pct = errs.fields.withdrawal_threshold;
      this.alertErrors = errs;
    }
  }

  protected override render() {
    const le = this.linkErrors;
    const ae = this.alertErrors;
    const pct = this.alerts ? pctOf(this.alerts.withdrawal_threshold) : "10";
    const pe = this.poolErrors;
    return html`${this.canWrite
        ? html`<section class="panel" aria-labelledby="pool-settings-title" style="margin-bottom: 1rem">
            <header><h2 id="pool-settings-title">Pool</h2></header>
            <div class="body stack">
              ${pe.form ? html`<div class="form-error" role="alert">${pe.form}</div>` : nothing}
              <form class="inline" @submit=${this.rename} novalidate>
                ${field("pool", { label: "Pool name", name: "name", value: this.pool.name, error: pe.fields.name })}
                <button type="submit">Rename</button>
              </form>
              <form class="inline" @submit=${this.saveBenchmark} novalidate>
                ${field("pool", { label: "Benchmark symbol", name: "symbol", value: this.pool.benchmark_symbol ?? "", error: pe.fields.symbol, hint: "Returns are shown beside it; empty for none" })}
                <button type="submit">Save benchmark</button>
              </form>
              <div class="inline">
                <p class="small" style="flex: 1">${this.pool.status === "open"
                  ? "Open: contributions, withdrawals, distributions and trades are accepted."
                  : "Closed: no money moves until the pool is reopened. History and figures stay visible."}</p>
                ${this.pool.status === "open"
                  ? html`<button class="danger" type="button" @click=${() => this.setStatus("closed")}>Close pool</button>`
                  : html`<button class="primary" type="button" @click=${() => this.setStatus("open")}>Reopen pool</button>`}
              </div>
            </div>
          </section>`
        : nothing}
      <pd-policy .pool=${this.pool} ?canWrite=${this.canWrite}></pd-policy>
      <pd-fees .pool=${this.pool} ?canWrite=${this.canWrite}></pd-fees>
      <div class="grid-2">
      <section class="panel" aria-labelledby="broker-title">
        <header><h2 id="broker-title">Brokerage account</h2></header>
        <div class="body stack">
          ${this.link && this.link.status === "pending"
            ? html`<p data-testid="brokerage-link">Asked to link <strong>${this.link.broker}</strong> account <strong>${this.link.account_id}</strong>
                  <span class="muted small">${dateTime(this.link.linked_at)}</span>. <span class="badge parked">Awaiting finance's approval</span>
                  Until then, what the account posts is parked, not applied.</p>
                ${this.isFinance
                  ? html`<div class="button-row"><button class="primary" type="button" @click=${() => this.decide("approve")}>Approve link</button>
                      <button type="button" class="danger" @click=${() => this.decide("decline")}>Decline link</button></div>`
                  : nothing}`
            : this.link
              ? html`<p data-testid="brokerage-link">Linked to <strong>${this.link.broker}</strong> account <strong>${this.link.account_id}</strong>
                  <span class="muted small">since ${dateTime(this.link.linked_at)}</span>. Trades, dividends and fees it posts are applied to this pool.</p>`
              : html`<p class="muted">Not linked. Link the pool's brokerage account so its trades, dividends and fees arrive by webhook; finance approves the link.</p>`}
          ${this.canWrite
            ? html`<form class="stack" @submit=${this.saveLink} novalidate>
                ${le.form ? html`<div class="form-error" role="alert">${le.form}</div>` : nothing}
                <div class="inline">
                  ${field("link", { label: "Broker", name: "broker", value: this.link?.broker ?? "", error: le.fields.broker, placeholder: "demo" })}
                  ${field("link", { label: "Account id", name: "account_id", value: this.link?.account_id ?? "", error: le.fields.account_id })}
                </div>
                <div><button class="primary" type="submit">${this.link ? "Change link" : "Link account"}</button></div>
              </form>`
            : nothing}
        </div>
      </section>
      <section class="panel" aria-labelledby="alert-title">
        <header><h2 id="alert-title">Email alerts</h2></header>
        <div class="body stack">
          ${this.alerts
            ? html`<p class="small" data-testid="alert-summary">Emailed about withdrawals of ${percent(this.alerts.effective_withdrawal_threshold ?? this.alerts.withdrawal_threshold)} of NAV or more,
                every distribution, parked brokerage events and NAV per unit moves over 5% in a day:
                finance (${(this.alerts.finance_recipients ?? []).join(", ") || "every finance user"}, set by finance)${this.alerts.recipients.length ? html`, and ${this.alerts.recipients.join(", ")}` : nothing}.
                Finance's threshold applies whenever it is lower than this pool's.</p>`
            : nothing}
          ${this.canWrite && this.alerts
            ? html`<form class="stack" @submit=${this.saveAlerts} novalidate>
                ${ae.form ? html`<div class="form-error" role="alert">${ae.form}</div>` : nothing}
                ${field("alerts", { label: "Recipients", name: "recipients", value: this.alerts.recipients.join(", "), error: ae.fields.recipients, hint: "Comma-separated: emailed besides finance, who always is" })}
                ${field("alerts", { label: "Withdrawal threshold (% of NAV)", name: "withdrawal_threshold_pct", value: pct, inputmode: "decimal", error: ae.fields.withdrawal_threshold_pct })}
                <div><button class="primary" type="submit">Save alert settings</button></div>
              </form>`
            : nothing}
        </div>
      </section>
    </div>`;
  }
}
customElement("pd-settings", SettingsPanel);

