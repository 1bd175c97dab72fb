import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError, type FormErrors } from "./forms";
import { api, toasts } from "../context";
import { fraction, pctOf } from "../lib/percent";
import { plainNumber } from "../lib/typed";
import type { ApprovalPolicy, Dealing, Pool } from "../lib/types";
import * as check from "../lib/validate";

const NONE: FormErrors = { fields: {}, form: "" };

/** How the pool deals (instant or forward, with its calendar, gate and lock-up) and what finance approves first. */
export class PolicyPanel extends LightElement {
  static override properties = {
    pool: { attribute: false },
    canWrite: { type: Boolean },
    dealing: { state: true },
    approvals: { state: true },
    mode: { state: true },
    dealingErrors: { state: true },
    approvalErrors: { state: true },
  };
  declare pool: Pool;
  declare canWrite: boolean;
  declare dealing: Dealing | null;
  declare approvals: ApprovalPolicy | null;
  declare mode: "instant" | "forward";
  declare dealingErrors: FormErrors;
  declare approvalErrors: FormErrors;
  private loadedFor = "";

  constructor() {
    super();
    this.canWrite = false;
    this.dealing = null;
    this.approvals = null;
    this.mode = "instant";
    this.dealingErrors = NONE;
    this.approvalErrors = NONE;
  }

  protected override willUpdate(): void {
    if (this.pool && this.loadedFor !== this.pool.id) {
      this.loadedFor = this.pool.id;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    try {
      [this.dealing, this.approvals] = await Promise.all([
        api.get<Dealing>(`/pools/${this.pool.id}/dealing`),
        api.get<ApprovalPolicy>(`/pools/${this.pool.id}/approvals`),
      ]);
      this.mode = this.dealing.mode;
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async saveDealing(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    const fields = check.problems({
      gate_pct: v.gate_pct ? check.positiveDecimal(plainNumber(v.gate_pct), "Gate", 2) : null,
      fee_pct: v.fee_pct ? check.positiveDecimal(plainNumber(v.fee_pct), "Fee", 2, true) : null,
    });
    this.dealingErrors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    const body =
      this.mode === "instant"
        ? { mode: "instant" }
        : {
            mode: "forward",
            frequency: v.frequency,
            cutoff: v.cutoff_time ? { time: v.cutoff_time, timezone: v.cutoff_timezone || "UTC" } : null,
            redemption_notice_days: Number(v.notice || "0"),
            gate: v.gate_pct ? fraction(v.gate_pct) : null,
            lockup_days: Number(v.lockup || "0"),
            early_redemption_fee: v.fee_pct ? fraction(v.fee_pct) : "0",
          };
    try {
      this.dealing = await api.put<Dealing>(`/pools/${this.pool.id}/dealing`, body);
      toasts.emit({ kind: "success", text: `Dealing: ${this.dealing.summary}` });
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true }));
    } catch (exc) {
      const errs = fromApiError(exc, []);
      this.dealingErrors = errs;
    }
  }

  private async saveApprovals(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    const fields = check.problems({ over_pct: v.over_pct ? check.positiveDecimal(plainNumber(v.over_pct), "Share of NAV", 2) : null });
    this.approvalErrors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    const body = {
      withdrawal_over: v.over_pct ? fraction(v.over_pct) : null,
      distributions: (form.elements.namedItem("distributions") as HTMLInputElement).checked,
      reversals: (form.elements.namedItem("reversals") as HTMLInputElement).checked,
    };
    try {
      this.approvals = await api.put<ApprovalPolicy>(`/pools/${this.pool.id}/approvals`, body);
      toasts.emit({ kind: "success", text: `Approvals: ${this.approvals.summary}` });
    } catch (exc) {
      this.approvalErrors = fromApiError(exc, []);
    }
  }

  protected override render() {
    const d = this.dealing;
    const a = this.approvals;
    if (!d || !a) return nothing;
    const de = this.dealingErrors;
    const ae = this.approvalErrors;
    return html`<div class="grid-2" style="margin-bottom: 1rem">
      <section class="panel" aria-labelledby="dealing-title">
        <header><h2 id="dealing-title">Dealing</h2></header>
        <div class="body stack">
          <p class="small" data-testid="dealing-policy">${d.summary}.</p>
          ${this.canWrite
            ? html`<form class="stack" @submit=${this.saveDealing} novalidate>
                ${de.form ? html`<div class="form-error" role="alert">${de.form}</div>` : nothing}
                <fieldset class="inline"><legend>Deals</legend>
                  <label class="choice"><input type="radio" name="mode" .checked=${this.mode === "instant"} @change=${() => (this.mode = "instant")} /> At once</label>
                  <label class="choice"><input type="radio" name="mode" .checked=${this.mode === "forward"} @change=${() => (this.mode = "forward")} /> Forward, at a struck NAV</label>
                </fieldset>
                ${this.mode === "forward"
                  ? html`<div class="inline">
                      <div class="field"><label for="dealing-frequency">Dealing days</label>
                        <select id="dealing-frequency" name="frequency">
                          ${(["daily", "weekly", "monthly"] as const).map((f) => html`<option value=${f} ?selected=${d.frequency === f}>${f === "daily" ? "Every weekday" : f === "weekly" ? "Fridays" : "Last weekday of the month"}</option>`)}
                        </select></div>
                      ${field("dealing", { label: "Cut-off (HH:MM)", name: "cutoff_time", value: d.cutoff?.time ?? "", placeholder: "16:00", hint: "Empty: no cut-off" })}
                      ${field("dealing", { label: "Time zone", name: "cutoff_timezone", value: d.cutoff?.timezone ?? "Europe/London" })}
                    </div>
                    <div class="inline">
                      ${field("dealing", { label: "Redemption notice (days)", name: "notice", value: String(d.redemption_notice_days), inputmode: "decimal" })}
                      ${field("dealing", { label: "Gate (% of NAV a day)", name: "gate_pct", value: d.gate ? pctOf(d.gate) : "", inputmode: "decimal", error: de.fields.gate_pct, hint: "Empty: no gate" })}
                    </div>
                    <div class="inline">
                      ${field("dealing", { label: "Lock-up (days)", name: "lockup", value: String(d.lockup_days), inputmode: "decimal" })}
                      ${field("dealing", { label: "Early redemption fee (%)", name: "fee_pct", value: pctOf(d.early_redemption_fee), inputmode: "decimal", error: de.fields.fee_pct })}
                    </div>`
                  : nothing}
                <div><button class="primary" type="submit">Save dealing</button></div>
              </form>`
            : nothing}
        </div>
      </section>
      <section class="panel" aria-labelledby="approvals-title">
        <header><h2 id="approvals-title">Four eyes</h2></header>
        <div class="body stack">
          <p class="small" data-testid="approval-policy">${a.summary[0]?.toUpperCase()}${a.summary.slice(1)}.</p>
          ${this.canWrite
            ? html`<form class="stack" @submit=${this.saveApprovals} novalidate>
                ${ae.form ? html`<div class="form-error" role="alert">${ae.form}</div>` : nothing}
                ${field("approvals", { label: "Withdrawals of this % of NAV or more", name: "over_pct", value: a.withdrawal_over ? pctOf(a.withdrawal_over) : "", inputmode: "decimal", error: ae.fields.over_pct, hint: "Empty: none" })}
                <label class="choice"><input type="checkbox" name="distributions" .checked=${a.distributions} /> Every distribution</label>
                <label class="choice"><input type="checkbox" name="reversals" .checked=${a.reversals} /> Every reversal</label>
                <div><button class="primary" type="submit">Save approvals</button></div>
              </form>`
            : nothing}
        </div>
      </section>
    </div>`;
  }
}
customElement("pd-policy", PolicyPanel);
