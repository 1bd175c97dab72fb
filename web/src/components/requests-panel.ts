import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, liveMessages, toasts } from "../context";
import { dateTime, money, units as fmtUnits } from "../lib/format";
import type { Page, Pool, RequestAccepted, WithdrawalRequest } from "../lib/types";

/** An instant pool's pending withdrawal requests from investors (the portal): the manager
 * accepts one (the withdrawal runs then) or declines it with a reason. Hidden when none wait. */
export class RequestsPanel extends LightElement {
  static override properties = { pool: { attribute: false }, canWrite: { type: Boolean }, waiting: { state: true } };
  declare pool: Pool;
  declare canWrite: boolean;
  declare waiting: WithdrawalRequest[];
  private loadedFor = "";
  private off: (() => void) | null = null;

  constructor() {
    super();
    this.canWrite = false;
    this.waiting = [];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A new request (or one decided elsewhere) arrives as an activity push.
    this.off = liveMessages.on((m) => {
      if (m.type === "activity.created" && m.pool_id === this.pool?.id && m.data.type.startsWith("withdrawal.")) void this.load();
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    super.disconnectedCallback();
  }

  protected override willUpdate(): void {
    if (this.pool && this.loadedFor !== this.pool.id) {
      this.loadedFor = this.pool.id;
      void this.load();
    }
  }

  private async load(): Promise<void> {
    try {
      this.waiting = (await api.get<Page<WithdrawalRequest>>(`/pools/${this.pool.id}/withdrawal-requests?status=pending&limit=100`)).items;
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async accept(r: WithdrawalRequest): Promise<void> {
    try {
      const done = await api.post<RequestAccepted>(`/pools/${this.pool.id}/withdrawal-requests/${r.id}/accept`, undefined);
      toasts.emit({
        kind: "success",
        text: done.approval ? `${r.investor_name}'s withdrawal awaits finance's approval` : `Paid ${money(done.withdrawal?.amount ?? "0", this.pool.currency)} to ${r.investor_name}`,
      });
      void this.load();
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async decline(r: WithdrawalRequest): Promise<void> {
    const reason = prompt(`Why is ${r.investor_name}'s request declined? They will see this.`);
    if (!reason?.trim()) return;
    try {
      await api.post<WithdrawalRequest>(`/pools/${this.pool.id}/withdrawal-requests/${r.id}/decline`, { reason: reason.trim() });
      toasts.emit({ kind: "success", text: `${r.investor_name}'s request declined` });
      void this.load();
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  protected override render() {
    if (!this.waiting.length) return nothing;
    const cur = this.pool.currency;
    return html`<section class="panel" aria-labelledby="requests-title" style="margin-bottom: 1rem">
      <header><h2 id="requests-title">Withdrawal requests</h2><span class="badge parked">${this.waiting.length} waiting</span></header>
      <div class="table-wrap">
        <table aria-label="Withdrawal requests">
          <thead><tr><th>Asked</th><th>Investor</th><th class="num">Amount or units</th><th></th></tr></thead>
          <tbody>${this.waiting.map(
            (r) => html`<tr data-request-id=${r.id}>
              <td class="small">${dateTime(r.requested_at)}</td>
              <td>${r.investor_name}</td>
              <td class="num">${r.amount ? money(r.amount, cur) : `${fmtUnits(r.units ?? "0")} units`}</td>
              <td class="actions">${this.canWrite
                ? html`<button class="link" type="button" @click=${() => this.accept(r)} aria-label="Accept ${r.investor_name}'s request">Accept</button>
                    <button class="link danger" type="button" @click=${() => this.decline(r)} aria-label="Decline ${r.investor_name}'s request">Decline</button>`
                : nothing}</td>
            </tr>`,
          )}</tbody>
        </table>
      </div>
    </section>`;
  }
}
customElement("pd-requests", RequestsPanel);
