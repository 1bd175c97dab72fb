import { html, nothing } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { api, toasts } from "../context";
import { ApiError } from "../lib/api";
import type { Login, LoginList } from "../lib/types";
import { email as checkEmail } from "../lib/validate";

const STATUS: Record<Login["status"], string> = { invited: "Invited", active: "Active", disabled: "Disabled" };

/** Finance's people: invite a manager or a finance colleague; every login (staff and
 * investors) with its role and status; disable a login at once, or enable it again. */
export class PeopleView extends LightElement {
  static override properties = { logins: { state: true }, next: { state: true }, problem: { state: true }, busy: { state: true } };
  declare logins: Login[];
  declare next: string | null;
  declare problem: { text: string; field: string } | null;
  declare busy: boolean;

  constructor() {
    super();
    this.logins = [];
    this.next = null;
    this.problem = null;
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(false);
  }

  private async load(more: boolean): Promise<void> {
    try {
      const q = new URLSearchParams({ limit: "60" });
      if (more && this.next) q.set("cursor", this.next);
      const page = await api.get<LoginList>(`/staff?${q}`);
      this.logins = more ? [...this.logins, ...page.items] : page.items;
      this.next = page.next_cursor;
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  private async invite(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const problem = checkEmail(email, true);
    if (problem) {
      this.problem = { text: problem, field: "email" };
      return;
    }
    this.problem = null;
    this.busy = true;
    try {
      await api.post("/staff/invitations", { email, role: String(data.get("role")), name: String(data.get("name") ?? "").trim() });
      toasts.emit({ kind: "success", text: `Invitation sent to ${email}` });
      form.reset();
      void this.load(false);
    } catch (exc) {
      const err = exc as ApiError;
      this.problem = { text: err.message, field: err.field ?? "" };
    } finally {
      this.busy = false;
    }
  }

  private async standing(l: Login, what: "disable" | "enable"): Promise<void> {
    if (what === "disable" && !confirm(`Disable ${l.email}? They are signed out at once, everywhere.`)) return;
    try {
      await api.post(`/staff/${encodeURIComponent(l.user_id)}/${what}`, undefined);
      toasts.emit({ kind: "success", text: `${l.email} ${what === "disable" ? "disabled" : "enabled"}` });
      void this.load(false);
    } catch (exc) {
      toasts.emit({ kind: "error", text: (exc as Error).message });
    }
  }

  protected override render() {
    return html`
      <div class="page-head"><div><h1>People</h1><p class="muted small">Every login: staff you invite here, investors their managers invite.</p></div></div>
      <section class="panel" aria-labelledby="invite-title" style="margin-bottom: 1rem">
        <header><h2 id="invite-title">Invite a colleague</h2><span class="muted small">An email with a temporary password; they choose their own and set up an authenticator</span></header>
        <form class="body stack" @submit=${this.invite} aria-label="Invite" novalidate>
          ${this.problem ? html`<div class="form-error" role="alert">${this.problem.text}</div>` : nothing}
          <div class="inline">
            <div class="field"><label for="invite-email">Email</label><input id="invite-email" name="email" type="email" autocomplete="off" aria-invalid=${this.problem?.field === "email" ? "true" : "false"} /></div>
            <div class="field"><label for="invite-name">Name</label><input id="invite-name" name="name" autocomplete="off" /></div>
            <div class="field"><label for="invite-role">Role</label>
              <select id="invite-role" name="role"><option value="manager">Fund manager</option><option value="finance">Finance</option></select></div>
          </div>
          <div><button class="primary" type="submit" ?disabled=${this.busy}>Send invitation</button></div>
        </form>
      </section>
      <section class="panel" aria-labelledby="logins-title">
        <header><h2 id="logins-title">Logins</h2></header>
        <div class="table-wrap" tabindex="0" role="region" aria-label="Logins">
          <table aria-label="Logins">
            <thead><tr><th>Email</th><th class="hide-narrow">Name</th><th>Role</th><th>Status</th><th class="hide-narrow">Authenticator</th><th></th></tr></thead>
            <tbody>${this.logins.map(
              (l) => html`<tr data-user-id=${l.user_id}>
                <td>${l.email}</td>
                <td class="hide-narrow">${l.name}</td>
                <td>${l.role}</td>
                <td><span class="badge ${l.status === "disabled" ? "removed" : l.status === "active" ? "active" : ""}">${STATUS[l.status]}</span></td>
                <td class="hide-narrow">${l.authenticator ? "set up" : l.role === "investor" ? "optional" : "not yet"}</td>
                <td class="actions">${l.status === "disabled"
                  ? html`<button class="link" type="button" @click=${() => this.standing(l, "enable")} aria-label="Enable ${l.email}">Enable</button>`
                  : html`<button class="link danger" type="button" @click=${() => this.standing(l, "disable")} aria-label="Disable ${l.email}">Disable</button>`}</td>
              </tr>`,
            )}</tbody>
          </table>
        </div>
        ${this.next ? html`<div class="pager"><button type="button" @click=${() => this.load(true)}>Show more</button></div>` : nothing}
      </section>`;
  }
}
customElement("pd-people", PeopleView);
