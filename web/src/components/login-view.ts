import { html } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { session } from "../context";
import { ApiError } from "../lib/api";
import { afterSignIn } from "../lib/router";
import { email as checkEmail } from "../lib/validate";

export class LoginView extends LightElement {
  static override properties = { notice: {}, error: { state: true }, busy: { state: true }, fieldErrors: { state: true } };
  declare notice: string;
  declare error: string;
  declare busy: boolean;
  declare fieldErrors: Record<string, string>;

  constructor() {
    super();
    this.notice = "";
    this.error = "";
    this.busy = false;
    this.fieldErrors = {};
  }

  private async submit(e: SubmitEvent): Promise<void> {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "").trim();
    const password = String(data.get("password") ?? "");
    const errs: Record<string, string> = {};
    const emailProblem = checkEmail(email, true);
    if (emailProblem) errs.email = emailProblem;
    if (!password) errs.password = "Password is required";
    this.fieldErrors = errs;
    this.error = "";
    if (Object.keys(errs).length) return;
    this.busy = true;
    try {
      const wanted = afterSignIn(location.hash);
      await session.login(email, password);
      if (location.hash !== wanted) location.hash = wanted;
    } catch (exc) {
      const err = exc as ApiError;
      this.error =
        err.code === "invalid_credentials"
          ? "That email and password do not match an account."
          : err.message || "Sign-in failed. Try again.";
    } finally {
      this.busy = false;
    }
  }

  protected override render() {
    const fe = this.fieldErrors;
    return html`<div class="login">
      <div class="card">
        <div class="brand">${logo()} Pooldesk</div>
        <h1>Sign in</h1>
        <p class="muted small">Fund managers and finance staff sign in with their work email.</p>
        <form class="stack" @submit=${this.submit} novalidate>
          ${this.notice && !this.error ? html`<div class="notice" role="status" data-testid="sign-in-notice">${this.notice}</div>` : null}
          ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : null}
          <div class="field">
            <label for="login-email">Email</label>
            <input id="login-email" name="email" type="email" autocomplete="username" required aria-invalid=${fe.email ? "true" : "false"} aria-describedby="login-email-error" />
            ${fe.email ? html`<div class="error" id="login-email-error">${fe.email}</div>` : null}
          </div>
          <div class="field">
            <label for="login-password">Password</label>
            <input id="login-password" name="password" type="password" autocomplete="current-password" required aria-invalid=${fe.password ? "true" : "false"} aria-describedby="login-password-error" />
            ${fe.password ? html`<div class="error" id="login-password-error">${fe.password}</div>` : null}
          </div>
          <button class="primary" type="submit" ?disabled=${this.busy}>${this.busy ? "Signing in…" : "Sign in"}</button>
        </form>
      </div>
    </div>`;
  }
}
customElement("pd-login", LoginView);

export function logo() {
  return html`<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="currentColor" opacity="0.15"/><path d="M7 22 L13 15 L18 19 L25 9" stroke="#5ee0b4" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
}
