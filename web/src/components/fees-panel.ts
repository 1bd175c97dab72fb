import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError, type FormErrors } from "./forms";
import { api, toasts } from "../context";
import { money, price } from "../lib/format";
import { fraction, pctOf } from "../lib/percent";
import { plainNumber } from "../lib/typed";
import type { Fees, FeesAccrued, Pool } from "../lib/types";
import * as check from "../lib/validate";

const NONE: FormErrors = { fields: {}, form: "" };
const RATES = ["management_pct", "performance_pct", "hurdle_pct"] as const;

/** A forward pool's fees: what it charges, what it owes, and what is accruing now. */
export class FeesPanel extends LightElement {
  static override properties = {
    pool: { attribute: false },
    canWrite: { type: Boolean },
    fees: { state: true },
    accrued: { state: true },
    errors: { state: true },
  };
  declare pool: Pool;
  declare canWrite: boolean;
  declare fees: Fees | null;
  declare accrued: FeesAccrued | null;
  declare errors: FormErrors;
  private loadedFor = "";

  constructor() {
    super();
    this.canWrite = false;
    this.fees = null;
    this.accrued = null;
    this.errors = NONE;
  }

  protected override willUpdate(): void {
    const key = `${this.pool?.id}:${this.pool?.version}`;
    if (this.pool && this.loadedFor !== key) {
      this.loadedFor = key;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    try {
      [this.fees, this.accrued] = await Promise.all([
        api.get<Fees>(`/pools/${this.pool.id}/fees`),
        api.get<FeesAccrued>(`/pools/${this.pool.id}/fees/accrued`),
      ]);
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async save(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    const labels = { management_pct: "Management fee", performance_pct: "Performance fee", hurdle_pct: "Hurdle" };
    const fields = check.problems(
      Object.fromEntries(RATES.map((k) => [k, v[k] ? check.positiveDecimal(plainNumber(v[k]), labels[k], 4, true) : null])),
    );
    this.errors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    const body = {
      management_rate: fraction(v.management_pct || "0"),
      performance_rate: fraction(v.performance_pct || "0"),
      hurdle_rate: fraction(v.hurdle_pct || "0"),
      crystallisation: v.crystallisation,
      payee: "manager",
    };
    try {
      this.fees = await api.put<Fees>(`/pools/${this.pool.id}/fees`, body);
      toasts.emit({ kind: "success", text: `Fees: ${this.fees.summary}` });
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true }));
    } catch (exc) {
      const errs = fromApiError(exc, ["management_rate", "performance_rate", "hurdle_rate"]);
      const map: Record<string, string> = { management_rate: "management_pct", performance_rate: "performance_pct", hurdle_rate: "hurdle_pct" };
      this.errors = { form: errs.form, fields: Object.fromEntries(Object.entries(errs.fields).map(([k, m]) => [map[k] ?? k, m])) };
    }
  }

  private async pay(): Promise<void> {
    try {
      await api.post(`/pools/${this.pool.id}/fees/pay`, {}, { idempotencyKey: `fees-pay-${this.pool.id}-${this.pool.version}` });
      toasts.emit({ kind: "success", text: "Fees paid to the manager" });
      this.dispatchEvent(new CustomEvent("changed", { bubbles: true }));
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  protected override render() {
    const f = this.fees;
    const a = this.accrued;
    if (!f) return nothing;
    const cur = this.pool.currency;
    const er = this.errors;
    const forward = this.pool.dealing_mode === "forward";
    return html`<section class="panel" aria-labelledby="fees-title" style="margin-bottom: 1rem">
      <header><h2 id="fees-title">Fees</h2></header>
      <div class="body stack">
        <p class="small" data-testid="fee-policy">${f.summary[0]?.toUpperCase()}${f.summary.slice(1)}.</p>
        ${a
          ? html`<dl class="meta" aria-label="Fees owed and accruing">
              <div><dt class="muted small">Fees payable</dt><dd data-testid="fees-payable">${money(a.fees_payable, cur)}</dd></div>
              <div><dt class="muted small">Management fee accrued (${a.days} days)</dt><dd data-testid="management-accrued">${money(a.management_fee_accrued, cur)}</dd></div>
              <div><dt class="muted small">Performance fee accrued at ${price(a.nav_per_unit, cur)}</dt><dd data-testid="performance-accrued">${money(a.performance_fee_accrued, cur)}</dd></div>
            </dl>`
          : nothing}
        ${this.canWrite && a && Number(a.fees_payable) > 0
          ? html`<div><button type="button" @click=${this.pay}>Pay fees payable</button></div>`
          : nothing}
        ${this.canWrite && forward
          ? html`<form class="stack" @submit=${this.save} novalidate aria-label="Fee settings">
              ${er.form ? html`<div class="form-error" role="alert">${er.form}</div>` : nothing}
              <div class="inline">
                ${field("fees", { label: "Management fee (% a year)", name: "management_pct", value: pctOf(f.management_rate), inputmode: "decimal", error: er.fields.management_pct, hint: "On NAV before fees, accrued at each valuation" })}
                ${field("fees", { label: "Performance fee (%)", name: "performance_pct", value: pctOf(f.performance_rate), inputmode: "decimal", error: er.fields.performance_pct, hint: "Above each lot's high-water mark" })}
                ${field("fees", { label: "Hurdle (% a year)", name: "hurdle_pct", value: pctOf(f.hurdle_rate), inputmode: "decimal", error: er.fields.hurdle_pct })}
              </div>
              <div class="field"><label for="fees-crystallisation">Crystallises</label>
                <select id="fees-crystallisation" name="crystallisation">
                  ${(["monthly", "quarterly", "annually"] as const).map((c) => html`<option value=${c} ?selected=${f.crystallisation === c}>${c[0]!.toUpperCase() + c.slice(1)}</option>`)}
                </select></div>
              <div><button class="primary" type="submit">Save fees</button></div>
            </form>`
          : this.canWrite
            ? html`<p class="muted small">Fees are charged at approved valuations: make the pool deal forward to set them.</p>`
            : nothing}
      </div>
    </section>`;
  }
}
customElement("pd-fees", FeesPanel);
