import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, toasts } from "../context";
import { href, type Period } from "../lib/router";
import type { StatementList, StatementsEmail } from "../lib/types";
import { periodForm, periodQuery, statementArticle } from "./statement-view";

/** Every investor's statement for a period, one page each: print them in one go (one PDF), or
 * (finance) email each investor theirs, once per period. */
export class StatementsView extends LightElement {
  static override properties = {
    poolId: {},
    role: {},
    period: { attribute: false },
    list: { state: true },
    error: { state: true },
    sending: { state: true },
  };
  declare poolId: string;
  declare role: string;
  declare period: Period | undefined;
  declare list: StatementList | null;
  declare error: string;
  declare sending: boolean;
  private loadedFor = "";

  constructor() {
    super();
    this.poolId = "";
    this.role = "";
    this.period = undefined;
    this.list = null;
    this.error = "";
    this.sending = false;
  }

  protected override willUpdate(): void {
    const key = `${this.poolId}${periodQuery(this.period)}`;
    if (this.poolId && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    try {
      this.error = "";
      this.list = await api.get<StatementList>(`/pools/${this.poolId}/statements${periodQuery(this.period)}`);
    } catch (exc) {
      this.error = (exc as Error).message;
    }
  }

  private async email(): Promise<void> {
    const first = this.list?.items[0];
    if (!first) return;
    this.sending = true;
    try {
      const asked = await api.post<StatementsEmail>(`/pools/${this.poolId}/statements/email`, { from: first.period.start, to: first.period.end });
      toasts.emit({ kind: "success", text: `Emailing each of ${asked.investors} investors their statement (it is in the activity)` });
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      this.sending = false;
    }
  }

  protected override render() {
    if (this.error) return html`<div class="form-error" role="alert">${this.error}</div>`;
    const list = this.list;
    if (!list) return html`<div class="empty">Loading statements…</div>`;
    const first = list.items[0];
    const go = (period: Period) => (location.hash = href({ name: "statements", poolId: this.poolId, period }));
    return html`
      <div class="page-head no-print">
        <div><div class="crumbs"><a href="#/pools">Pools</a> / <a href="#/pools/${this.poolId}/investors">${first?.pool.name ?? "Pool"}</a> /</div>
          <h1>Statements</h1><p class="muted small" data-testid="statement-count">${list.items.length} investors, one page each</p></div>
        <span class="spacer"></span>
        ${first ? periodForm(first.period, go) : nothing}
        ${this.role === "finance" && first
          ? html`<button type="button" ?disabled=${this.sending} @click=${this.email}>Email each investor theirs</button>`
          : nothing}
        <button class="primary" type="button" @click=${() => window.print()}>Print all or save as one PDF</button>
      </div>
      ${list.items.length === 0 ? html`<div class="empty">No investor held units or moved money in this period.</div>` : nothing}
      ${list.items.map((s) => statementArticle(s))}
    `;
  }
}
customElement("pd-statements", StatementsView);
