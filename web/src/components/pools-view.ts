import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { field, formValues, fromApiError } from "./forms";
import { plainAmount } from "../lib/typed";
import { api, knownPools, live, liveMessages, toasts } from "../context";
import { change } from "../lib/decimal";
import { isNewer } from "../lib/freshness";
import { count, money, percent, price } from "../lib/format";
import type { Page, Pool } from "../lib/types";
import { currency as checkCurrency, name as checkName, positiveDecimal, problems } from "../lib/validate";

export function changeToday(pool: Pool) {
  const open = pool.day_open_nav_per_unit;
  if (!open) return html`<span class="muted">${percent("0", { signed: true })}</span>`;
  const c = change(open, pool.nav_per_unit, 6);
  if (!c) return html`<span class="muted">—</span>`;
  const cls = c.coef > 0n ? "up" : c.coef < 0n ? "down" : "muted";
  return html`<span class=${cls}>${percent(c, { signed: true })}</span>`;
}

export class PoolsView extends LightElement {
  static override properties = {
    role: {},
    pools: { state: true },
    cursor: { state: true },
    loading: { state: true },
    error: { state: true },
    createErrors: { state: true },
    creating: { state: true },
  };
  declare role: string;
  declare pools: Pool[];
  declare cursor: string | null;
  declare loading: boolean;
  declare error: string;
  declare createErrors: { fields: Record<string, string>; form: string };
  declare creating: boolean;
  private off: (() => void) | null = null;

  constructor() {
    super();
    this.role = "";
    this.pools = [];
    this.cursor = null;
    this.loading = true;
    this.error = "";
    this.createErrors = { fields: {}, form: "" };
    this.creating = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
    this.off = liveMessages.on((m) => {
      if (m.type === "subscribed") void this.refreshOne(m.pool_id);
      if (m.type === "pool.updated") {
        this.pools = this.pools.map((p) =>
          p.id === m.pool_id && isNewer(m.data, p) ? { ...p, ...m.data } : p, // pushes carry no day opening
        );
      }
    });
  }

  override disconnectedCallback(): void {
    this.off?.();
    super.disconnectedCallback();
  }

  private async load(more = false): Promise<void> {
    this.loading = true;
    this.error = "";
    try {
      const q = new URLSearchParams({ limit: "50" });
      if (more && this.cursor) q.set("cursor", this.cursor);
      const page = await api.get<Page<Pool>>(`/pools?${q}`);
      this.pools = more ? [...this.pools, ...page.items] : page.items;
      this.cursor = page.next_cursor;
      for (const p of page.items) {
        knownPools.set(p.id, { name: p.name, currency: p.currency });
        // The list may answer after the user moved on: follow its pools only while it is shown.
        if (this.isConnected) live.subscribe(p.id);
      }
    } catch (exc) {
      this.error = (exc as Error).message;
    } finally {
      this.loading = false;
    }
  }

  /** After a (re)subscribe: fetch the pool so a change missed while offline shows. */
  private async refreshOne(id: string): Promise<void> {
    if (!this.pools.some((p) => p.id === id)) return;
    try {
      const fresh = await api.get<Pool>(`/pools/${id}`);
      this.pools = this.pools.map((p) => (p.id === id && isNewer(fresh, p) ? fresh : p));
    } catch {
      /* the list keeps what it had */
    }
  }

  private openCreate(): void {
    this.createErrors = { fields: {}, form: "" };
    this.querySelector<HTMLDialogElement>("#create-pool")?.showModal();
  }

  private async create(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const v = formValues(form);
    // "$1.00" or "1,000" read as the plain decimal the API takes (in the currency being chosen).
    v.unit_price = plainAmount(v.unit_price ?? "", (v.currency ?? "").toUpperCase() || "USD");
    const fields = problems({
      name: checkName(v.name ?? ""),
      currency: checkCurrency(v.currency ?? ""),
      unit_price: positiveDecimal(v.unit_price ?? "", "Initial unit price", 6),
    });
    this.createErrors = { fields, form: "" };
    if (Object.keys(fields).length) return;
    this.creating = true;
    try {
      const pool = await api.post<Pool>("/pools", { name: v.name, currency: (v.currency ?? "").toUpperCase(), unit_price: v.unit_price });
      this.querySelector<HTMLDialogElement>("#create-pool")?.close();
      form.reset();
      toasts.emit({ kind: "success", text: `Pool ${pool.name} created` });
      location.hash = `#/pools/${pool.id}`;
    } catch (exc) {
      this.createErrors = fromApiError(exc, ["name", "currency", "unit_price"]);
    } finally {
      this.creating = false;
    }
  }

  protected override render() {
    const isManager = this.role === "managers";
    const ce = this.createErrors;
    return html`
      <div class="page-head">
        <div>
          <h1>Pools</h1>
          <p class="muted small">${this.role === "finance" ? "Every pool, read-only." : "The pools you manage."} Figures update live.</p>
        </div>
        <span class="spacer"></span>
        ${isManager ? html`<button class="primary" type="button" @click=${this.openCreate}>New pool</button>` : nothing}
      </div>
      ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : nothing}
      <div class="panel">
        <div class="table-wrap">
          <table aria-label="Pools">
            <thead>
              <tr>
                <th>Pool</th>
                <th class="num">NAV</th>
                <th class="num">NAV per unit</th>
                <th class="num">Change today</th>
                <th class="num">Investors</th>
                <th class="hide-narrow">Status</th>
              </tr>
            </thead>
            <tbody>
              ${this.pools.map(
                (p) => html`<tr class="clickable" data-pool-id=${p.id} @click=${() => (location.hash = `#/pools/${p.id}`)}>
                  <td><a href="#/pools/${p.id}">${p.name}</a> <span class="muted small">${p.currency}</span></td>
                  <td class="num" data-testid="pool-nav">${money(p.nav, p.currency)}</td>
                  <td class="num">${price(p.nav_per_unit, p.currency)}</td>
                  <td class="num">${changeToday(p)}</td>
                  <td class="num">${count(p.investor_count)}</td>
                  <td class="hide-narrow"><span class="badge ${p.status}">${p.status}</span></td>
                </tr>`,
              )}
            </tbody>
          </table>
          ${!this.loading && this.pools.length === 0
            ? html`<div class="empty">${isManager ? "No pools yet. Create your first with New pool." : "No pools to show."}</div>`
            : nothing}
          ${this.loading ? html`<div class="empty">Loading pools…</div>` : nothing}
        </div>
        ${this.cursor ? html`<div class="pager"><button type="button" @click=${() => this.load(true)}>Show more pools</button></div>` : nothing}
      </div>

      <dialog id="create-pool" aria-labelledby="create-pool-title">
        <form class="stack" @submit=${this.create} novalidate>
          <header><h2 id="create-pool-title">New pool</h2></header>
          <div class="dialog-body stack">
            ${ce.form ? html`<div class="form-error" role="alert">${ce.form}</div>` : nothing}
            ${field("create-pool", { label: "Name", name: "name", error: ce.fields.name, placeholder: "Harbor Growth Fund", required: true })}
            <div class="inline">
              ${field("create-pool", { label: "Currency", name: "currency", value: "USD", error: ce.fields.currency, hint: "ISO code, e.g. USD, EUR, GBP" })}
              ${field("create-pool", { label: "Initial unit price", name: "unit_price", value: "1.00", inputmode: "decimal", error: ce.fields.unit_price, hint: "What one unit costs at launch" })}
            </div>
          </div>
          <footer>
            <button type="button" @click=${() => this.querySelector<HTMLDialogElement>("#create-pool")?.close()}>Cancel</button>
            <button class="primary" type="submit" ?disabled=${this.creating}>Create pool</button>
          </footer>
        </form>
      </dialog>
    `;
  }
}
customElement("pd-pools", PoolsView);
