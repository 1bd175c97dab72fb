import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues } from "./forms";
import * as check from "../lib/validate";
import { api, liveMessages, prefetched, toasts } from "../context";
import { debounce } from "../lib/debounce";
import { ApiError } from "../lib/api";
import { fileSafe } from "../lib/csv";
import { exportCsv } from "./export";
import { gainOf, shareOf, valueOf } from "../lib/holding";
import { money, percent, signedMoney, units as fmtUnits } from "../lib/format";
import type { Investor, InvestorInvitation, InvestorPerformance, InvestorRecord, Page, Pool } from "../lib/types";
import type { MoneyMode } from "./money-dialog";

export const PAGE = 50;

/** The path of a page of a pool's investors (the pool view starts the first one early). */
export function investorsPath(poolId: string, limit: number, cursor: string | null, query: string): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (cursor) q.set("cursor", cursor);
  if (query) q.set("q", query);
  return `/pools/${poolId}/investors?${q}`;
}
// Enough reads to search 100,000 investors for one page of matches.
const MAX_READS_PER_PAGE = 50;

/** An investor row as shown: value, share and gain follow the pool as it is now. */
export function holdingIn(i: InvestorRecord, pool: Pool): Investor {
  return { ...i, value: valueOf(i.units, pool), share: shareOf(i.units, pool) };
}

/** The investors table: server-side pages of 50 and search, so a pool of
 * 10,000 investors renders 50 rows at a time. Every figure of a row is derived
 * from the pool shown in the header (lib/holding.ts computes it exactly as the
 * API does), so a NAV push moves every row at once, search or not. */
export class InvestorsPanel extends LightElement {
  static override properties = {
    pool: { attribute: false },
    canWrite: { type: Boolean },
    editing: { state: true },
    items: { state: true },
    pages: { state: true },
    next: { state: true },
    query: { state: true },
    loading: { state: true },
    exporting: { state: true },
    returns: { state: true },
  };
  /** Each investor's money-weighted return (XIRR, a year), by id; null when it has no answer. */
  declare returns: Map<string, string | null>;
  declare pool: Pool;
  declare canWrite: boolean;
  /** The investor whose name and email are being edited. */
  declare editing: string;
  declare items: Investor[];
  declare pages: Array<string | null>; // the cursor that opened each page seen so far
  declare next: string | null;
  declare query: string;
  declare loading: boolean;
  declare exporting: string;
  private off: (() => void) | null = null;
  private loadedFor = "";
  private loadSeq = 0;

  constructor() {
    super();
    this.items = [];
    this.pages = [null];
    this.next = null;
    this.query = "";
    this.loading = false;
    this.exporting = "";
    this.returns = new Map();
    this.canWrite = false;
    this.editing = "";
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.off = liveMessages.on((m) => {
      if (!("pool_id" in m) || m.pool_id !== this.pool?.id) return;
      if (m.type === "investor.updated") this.onInvestor(m.data);
      if (m.type === "subscribed") void this.load(this.pages[this.pages.length - 1] ?? null, false, true);
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    if (this.waiting) clearTimeout(this.waiting);
    super.disconnectedCallback();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (this.pool && this.loadedFor !== this.pool.id) {
      this.loadedFor = this.pool.id;
      this.pending.clear();
      void this.load(null, true);
    }
    if (changed.has("pool") && this.pending.size) this.applyPending();
  }

  /** Investor pushes newer than the pool shown wait for the pool push of the same
   * change (it follows at once): units moved with the pool's units, so showing one
   * without the other would put a wrong value and share on the row. */
  private pending = new Map<string, InvestorRecord>();
  private waiting: ReturnType<typeof setTimeout> | null = null;

  private onInvestor(data: InvestorRecord): void {
    const shown = this.items.some((i) => i.id === data.id);
    if (!shown) {
      // Someone new on the first page of an unfiltered list: fetch it, in order.
      if (this.pages.length === 1 && !this.query) void this.load(null, false, true);
      return;
    }
    this.pending.set(data.id, data);
    this.applyPending();
    if (this.pending.size && !this.waiting) {
      // The pool push never came (a dropped message): show the row as pushed, and read the pool's figures again.
      this.waiting = setTimeout(() => {
        this.waiting = null;
        this.applyPending(true);
        this.dispatchEvent(new CustomEvent("changed", { bubbles: true, composed: true }));
      }, 1500);
    }
  }

  private applyPending(force = false): void {
    const ready = [...this.pending.values()].filter((i) => force || i.updated_at <= this.pool.updated_at);
    if (!ready.length) return;
    for (const i of ready) this.pending.delete(i.id);
    const byId = new Map(ready.map((i) => [i.id, i]));
    this.items = this.items.map((i) => {
      const pushed = byId.get(i.id);
      return pushed && pushed.updated_at >= i.updated_at ? { ...i, ...pushed } : i;
    });
    if (!this.pending.size && this.waiting) {
      clearTimeout(this.waiting);
      this.waiting = null;
    }
  }

  async load(cursor: string | null, reset: boolean, quiet = false): Promise<void> {
    // Only the latest load may show its rows: a search typed while a page is
    // loading must not be overwritten by the older answer.
    const seq = ++this.loadSeq;
    if (!quiet) this.loading = true;
    try {
      // A search reads a bounded slice of the pool per request and may answer a
      // short page with a cursor: keep reading until the page is full or the pool ends.
      const items: Investor[] = [];
      let next: string | null = cursor;
      for (let reads = 0; reads < MAX_READS_PER_PAGE; reads++) {
        const path = investorsPath(this.pool.id, PAGE - items.length, next, this.query);
        // The first page may already be on its way: the pool view started it beside the pool.
        const page: Page<Investor> = await ((prefetched.take(path) as Promise<Page<Investor>> | undefined) ?? api.get<Page<Investor>>(path));
        if (seq !== this.loadSeq) return; // superseded
        items.push(...page.items);
        next = page.next_cursor;
        if (!next || items.length >= PAGE) break;
      }
      // Keep a row a push updated after this read began (updated_at only grows).
      const shown = new Map(this.items.map((i) => [i.id, i]));
      this.items = items.map((i) => {
        const mine = shown.get(i.id);
        return mine && mine.updated_at > i.updated_at ? mine : i;
      });
      for (const i of items) this.pending.delete(i.id);
      this.next = next;
      if (reset) this.pages = [cursor];
      void this.loadReturns(items.map((i) => i.id));
    } catch (exc) {
      if (!quiet && seq === this.loadSeq) toasts.emit({ kind: "error", text: (exc as Error).message });
    } finally {
      if (seq === this.loadSeq) this.loading = false;
    }
  }

  /** The rows' money-weighted returns, in one request for the page. */
  private async loadReturns(ids: string[]): Promise<void> {
    if (!ids.length) return;
    try {
      const found = await api.get<{ items: InvestorPerformance[] }>(`/pools/${this.pool.id}/investor-returns?ids=${ids.map(encodeURIComponent).join(",")}`);
      this.returns = new Map([...this.returns, ...found.items.map((r) => [r.investor_id, r.xirr] as const)]);
    } catch {
      /* the column shows a dash */
    }
  }

  private searchSoon = debounce((q: string) => {
    this.query = q;
    void this.load(null, true);
  }, 250);

  private onSearch(e: InputEvent): void {
    this.searchSoon((e.target as HTMLInputElement).value.trim());
  }

  private nextPage(): void {
    if (!this.next) return;
    this.pages = [...this.pages, this.next];
    void this.load(this.next, false);
  }

  private prevPage(): void {
    if (this.pages.length < 2) return;
    const pages = this.pages.slice(0, -1);
    this.pages = pages;
    void this.load(pages[pages.length - 1] ?? null, false);
  }

  private act(mode: MoneyMode, investor: Investor | null): void {
    this.dispatchEvent(new CustomEvent("money", { detail: { mode, investor }, bubbles: true }));
  }

  private async edit(i: Investor, e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const v = formValues(e.target as HTMLFormElement);
    const problem = check.name(v.name ?? "") ?? check.email(v.email ?? "");
    if (problem) {
      toasts.emit({ kind: "error", text: problem });
      return;
    }
    const body: Record<string, string> = {};
    if (v.name !== i.name) body.name = v.name ?? "";
    if (v.email !== i.email) body.email = v.email ?? "";
    if (!Object.keys(body).length) {
      this.editing = "";
      return;
    }
    try {
      const saved = await api.patch<Investor>(`/pools/${this.pool.id}/investors/${i.id}`, body);
      this.items = this.items.map((row) => (row.id === saved.id ? saved : row));
      this.editing = "";
      toasts.emit({ kind: "success", text: `Saved ${saved.name}` });
    } catch (exc) {
      toasts.emit({ kind: "error", text: exc instanceof ApiError ? exc.message : "Could not save the investor" });
    }
  }

  private editRow(i: Investor) {
    return html`<tr data-edit-for=${i.id}><td colspan="9">
      <form class="inline" @submit=${(e: SubmitEvent) => this.edit(i, e)} novalidate>
        ${field("edit", { label: "Name", name: "name", value: i.name })}
        ${field("edit", { label: "Email", name: "email", value: i.email, inputmode: "email" })}
        <button class="primary" type="submit">Save</button>
        <button type="button" @click=${() => (this.editing = "")}>Cancel</button>
      </form>
    </td></tr>`;
  }

  /** A login to the investor portal, linked to this record: an email with a temporary password
   * (or, for someone with a login already, word that this pool is there too). */
  private async invite(i: Investor): Promise<void> {
    try {
      const done = await api.post<InvestorInvitation>(`/pools/${this.pool.id}/investors/${i.id}/invite`, undefined);
      toasts.emit({ kind: "success", text: done.new_login ? `Invitation sent to ${done.email}` : `${i.name} already has a login: told by email that ${this.pool.name} is there` });
    } catch (exc) {
      toasts.emit({ kind: "error", text: exc instanceof ApiError ? exc.message : "Could not send the invitation" });
    }
  }

  private async removeInvestor(i: Investor): Promise<void> {
    if (!confirm(`Remove ${i.name} from ${this.pool.name}? Their history is kept.`)) return;
    try {
      await api.delete(`/pools/${this.pool.id}/investors/${i.id}`);
      toasts.emit({ kind: "success", text: `${i.name} removed` });
      void this.load(this.pages[this.pages.length - 1] ?? null, false);
    } catch (exc) {
      toasts.emit({ kind: "error", text: exc instanceof ApiError ? exc.message : "Could not remove the investor" });
    }
  }

  /** Every investor (or every match of the search), 200 per request. */
  private exportCsv(): Promise<void> {
    return exportCsv<Investor>(this, {
      page: (cursor) => {
        const q = new URLSearchParams({ limit: "200" });
        if (cursor) q.set("cursor", cursor);
        if (this.query) q.set("q", this.query);
        return `/pools/${this.pool.id}/investors?${q}`;
      },
      header: ["investor_id", "name", "email", "status", "units", "value", "share", "contributed", "withdrawn", "paid_out", "gain", "currency"],
      row: (i) => [i.id, i.name, i.email, i.status, i.units, i.value, i.share, i.contributed, i.withdrawn, i.paid_out, gainOf(i, this.pool), this.pool.currency],
      filename: `${fileSafe(this.pool.name)}-investors.csv`,
    });
  }

  protected override render() {
    const cur = this.pool?.currency ?? "USD";
    const page = this.pages.length;
    const first = (page - 1) * PAGE + 1;
    return html`<section class="panel" aria-labelledby="investors-title">
      <header>
        <h2 id="investors-title">Investors</h2>
        <span class="muted small" data-testid="investor-count">${this.pool?.investor_count ?? 0} in the pool</span>
        <span class="spacer"></span>
        <label class="sr-only" for="investor-search">Search investors</label>
        <input id="investor-search" type="search" placeholder="Search name or email" style="max-width: 240px" @input=${this.onSearch} />
        <button type="button" @click=${this.exportCsv} ?disabled=${!!this.exporting}>${this.exporting || "Export CSV"}</button>
        <a class="button" href="#/pools/${this.pool?.id}/statements">Statements</a>
        ${this.canWrite ? html`<button class="primary" type="button" @click=${() => this.act("add-investor", null)}>Add investor</button>` : nothing}
      </header>
      <div class="table-wrap">
        <table aria-label="Investors">
          <thead>
            <tr>
              <th>Investor</th>
              <th class="num">Units</th>
              <th class="num">Value</th>
              <th class="num">Share</th>
              <th class="num hide-narrow">Contributed</th>
              <th class="num hide-narrow">Withdrawn</th>
              <th class="num hide-narrow">Paid out</th>
              <th class="num">Gain</th>
              <th class="num hide-narrow" title="Money-weighted (XIRR), a year, net of fees">Return</th>
              <th><span class="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${this.items.map((row) => {
              const i = holdingIn(row, this.pool);
              const g = gainOf(i, this.pool);
              return html`<tr data-investor-id=${i.id}>
                <td>
                  <div>${i.name} ${i.status !== "active" ? html`<span class="badge ${i.status}">${i.status}</span>` : nothing}</div>
                  <div class="muted small">${i.email}</div>
                </td>
                <td class="num" data-testid="investor-units">${fmtUnits(i.units)}</td>
                <td class="num" data-testid="investor-value">${money(i.value, cur)}</td>
                <td class="num" data-testid="investor-share">${percent(i.share)}</td>
                <td class="num hide-narrow">${money(i.contributed, cur)}</td>
                <td class="num hide-narrow">${money(i.withdrawn, cur)}</td>
                <td class="num hide-narrow">${money(i.paid_out, cur)}</td>
                <td class="num ${g.startsWith("-") ? "down" : g.replace(/[0.]/g, "") ? "up" : ""}" data-testid="investor-gain">${signedMoney(g, cur)}</td>
                <td class="num hide-narrow" data-testid="investor-return">${this.returns.get(i.id) ? percent(this.returns.get(i.id)!, { signed: true }) : html`<span class="muted">—</span>`}</td>
                <td class="actions">
                  ${this.canWrite && i.status === "active" && this.pool.dealing_mode !== "forward"
                    ? html`<button class="link" type="button" @click=${() => this.act("contribute", i)} aria-label="Contribute for ${i.name}">Contribute</button>
                        <button class="link" type="button" @click=${() => this.act("withdraw", i)} aria-label="Withdraw for ${i.name}">Withdraw</button>`
                    : nothing}
                  ${this.canWrite && i.status === "active"
                    ? html`<button class="link" type="button" @click=${() => (this.editing = i.id)} aria-label="Edit ${i.name}">Edit</button>`
                    : nothing}
                  ${this.canWrite && i.status === "active" && i.email
                    ? html`<button class="link" type="button" @click=${() => this.invite(i)} aria-label="Invite ${i.name} to the portal">Invite</button>`
                    : nothing}
                  <a class="button link" href="#/pools/${this.pool.id}/activity?investor=${i.id}" aria-label="Activity of ${i.name}">Activity</a>
                  <a class="button link" href="#/pools/${this.pool.id}/investors/${i.id}/statement" aria-label="Statement for ${i.name}">Statement</a>
                  ${this.canWrite && i.status === "active" && /^0*\.?0*$/.test(i.units)
                    ? html`<button class="link danger" type="button" @click=${() => this.removeInvestor(i)} aria-label="Remove ${i.name}">Remove</button>`
                    : nothing}
                </td>
              </tr>${this.editing === i.id ? this.editRow(i) : nothing}`;
            })}
          </tbody>
        </table>
        ${!this.loading && this.items.length === 0
          ? html`<div class="empty">${this.query ? `No investor matches “${this.query}”.` : "No investors yet."}</div>`
          : nothing}
      </div>
      <div class="pager">
        ${this.loading ? html`<span class="muted small">Loading…</span>` : nothing}
        <span class="small muted" data-testid="investor-range">${this.items.length ? `${first}–${first + this.items.length - 1}` : ""}</span>
        <button type="button" @click=${this.prevPage} ?disabled=${page < 2}>Previous</button>
        <span class="small">Page ${page}</span>
        <button type="button" @click=${this.nextPage} ?disabled=${!this.next}>Next</button>
      </div>
    </section>`;
  }
}
customElement("pd-investors", InvestorsPanel);
