import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, toasts } from "../context";
import { dateTime } from "../lib/format";
import type { Approval, Approved, Page, Pool } from "../lib/types";

const STATUSES = [
  ["awaiting_approval", "Awaiting approval"],
  ["approved", "Approved"],
  ["rejected", "Rejected"],
  ["", "All"],
] as const;

/** What a held movement asks for, in words. */
export function asked(a: Approval): string {
  const r = a.request;
  if (a.operation === "withdrawal") return `Withdraw ${r.amount ?? `${r.units} units`}`;
  if (a.operation === "distribution") return `Distribute ${r.amount}${r.memo ? ` (${r.memo})` : ""}`;
  return `Reverse entry ${r.entry_id}: ${r.reason}`;
}

/** Finance's inbox of movements held for approval (a manager sees the ones they asked for). */
export class ApprovalsView extends LightElement {
  static override properties = { role: {}, items: { state: true }, status: { state: true }, pools: { state: true }, busy: { state: true } };
  declare role: string;
  declare items: Approval[];
  declare status: string;
  declare pools: Map<string, string>;
  declare busy: string;

  constructor() {
    super();
    this.role = "";
    this.items = [];
    this.status = "awaiting_approval";
    this.pools = new Map();
    this.busy = "";
  }

  private timer: ReturnType<typeof setInterval> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    // Held movements arrive from any pool, and pushes are per pool: look again every
    // 15 seconds while the inbox is on screen, and at once when the tab comes back.
    this.timer = setInterval(() => {
      if (document.visibilityState === "visible" && !this.busy) void this.load();
    }, 15_000);
    document.addEventListener("visibilitychange", this.onVisible);
  }

  override disconnectedCallback(): void {
    if (this.timer) clearInterval(this.timer);
    document.removeEventListener("visibilitychange", this.onVisible);
    super.disconnectedCallback();
  }

  private onVisible = (): void => {
    if (document.visibilityState === "visible") void this.load();
  };

  private async load(): Promise<void> {
    try {
      const q = new URLSearchParams({ limit: "100" });
      if (this.status) q.set("status", this.status);
      this.items = (await api.get<Page<Approval>>(`/approvals?${q}`)).items;
      for (const id of new Set(this.items.map((a) => a.pool_id))) {
        if (!this.pools.has(id)) {
          const pool = await api.get<Pool>(`/pools/${id}`).catch(() => null);
          this.pools = new Map([...this.pools, [id, pool?.name ?? id]]);
        }
      }
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async approve(a: Approval): Promise<void> {
    if (!confirm(`${asked(a)} in ${this.pools.get(a.pool_id) ?? a.pool_id}? It runs now, at today's NAV.`)) return;
    this.busy = a.approval_id;
    try {
      const done = await api.post<Approved>(`/approvals/${a.approval_id}/approve`, undefined);
      toasts.emit({ kind: "success", text: `Approved: ${done.entry.type} recorded` });
      await this.load();
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      this.busy = "";
    }
  }

  private async reject(a: Approval, e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const reason = (new FormData(e.target as HTMLFormElement).get("reason") ?? "").toString().trim();
    if (!reason) {
      toasts.emit({ kind: "error", text: "Say why it is rejected" });
      return;
    }
    this.busy = a.approval_id;
    try {
      await api.post<Approval>(`/approvals/${a.approval_id}/reject`, { reason });
      toasts.emit({ kind: "success", text: "Rejected: nothing moved" });
      await this.load();
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      this.busy = "";
    }
  }

  protected override render() {
    const finance = this.role === "finance";
    return html`
      <div class="page-head"><div><h1>Approvals</h1>
        <p class="muted small">${finance
          ? "Movements a pool holds for finance: approve one and it runs once, at the NAV of that moment; never your own."
          : "Movements you asked for that wait for finance's approval."}</p></div>
        <span class="spacer"></span>
        <label class="sr-only" for="approval-status">Show</label>
        <select id="approval-status" @change=${(e: Event) => {
          this.status = (e.target as HTMLSelectElement).value;
          void this.load();
        }}>${STATUSES.map(([v, l]) => html`<option value=${v} ?selected=${v === this.status}>${l}</option>`)}</select>
      </div>
      <section class="panel"><div class="table-wrap">
        <table aria-label="Approvals">
          <thead><tr><th>Asked</th><th>Pool</th><th>Movement</th><th>Why it waits</th><th>Status</th>${finance ? html`<th><span class="sr-only">Decide</span></th>` : nothing}</tr></thead>
          <tbody>${this.items.map(
            (a) => html`<tr data-approval-id=${a.approval_id}>
              <td class="small">${dateTime(a.requested_at)}<br /><span class="muted">${a.requested_by_name ?? a.requested_by}</span></td>
              <td><a href="#/pools/${a.pool_id}/activity">${this.pools.get(a.pool_id) ?? a.pool_id}</a></td>
              <td>${asked(a)}</td>
              <td class="small">${a.why}</td>
              <td><span class="badge ${a.status === "approved" ? "open" : a.status === "rejected" ? "closed" : ""}">${a.status.replace("_", " ")}</span>
                ${a.reason ? html`<div class="small muted">${a.reason}</div>` : nothing}</td>
              ${finance
                ? html`<td>${a.status === "awaiting_approval"
                    ? html`<div class="stack">
                        <button type="button" class="primary" ?disabled=${this.busy === a.approval_id} @click=${() => this.approve(a)}>Approve</button>
                        <form class="inline" @submit=${(e: SubmitEvent) => this.reject(a, e)}>
                          <label class="sr-only" for="reason-${a.approval_id}">Reason</label>
                          <input id="reason-${a.approval_id}" name="reason" placeholder="Why reject?" maxlength="500" />
                          <button type="submit" class="danger" ?disabled=${this.busy === a.approval_id}>Reject</button>
                        </form></div>`
                    : nothing}</td>`
                : nothing}
            </tr>`,
          )}</tbody>
        </table>
        ${this.items.length === 0 ? html`<div class="empty">Nothing here.</div>` : nothing}
      </div></section>
    `;
  }
}
customElement("pd-approvals", ApprovalsView);
