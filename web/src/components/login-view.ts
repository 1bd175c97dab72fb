import { html, svg } from "lit";
import { LightElement } from "./base";
import { customElement } from "./define";
import { session } from "../context";
import { ApiError, type SignInStep } from "../lib/api";
import type { MfaSecret } from "../lib/types";
import { afterSignIn } from "../lib/router";
import { email as checkEmail } from "../lib/validate";
import { qrPath } from "../lib/qr";

const POLICY = "At least 12 characters, with an upper-case and a lower-case letter, a digit and a symbol such as - or !";

/** Signing in, every step: email and password; a first sign-in's new password; an authenticator's
 * set-up (its key and a link for the app) and its codes; a forgotten password's code and new password. */
export class LoginView extends LightElement {
  static override properties = {
    notice: {},
    error: { state: true },
    busy: { state: true },
    fieldErrors: { state: true },
    step: { state: true },
    mfa: { state: true },
    mode: { state: true },
    resetFor: { state: true },
  };
  declare notice: string;
  declare error: string;
  declare busy: boolean;
  declare fieldErrors: Record<string, string>;
  declare step: SignInStep | null;
  declare mfa: MfaSecret | null;
  declare mode: "sign-in" | "forgot" | "reset";
  declare resetFor: string;

  constructor() {
    super();
    this.notice = "";
    this.error = "";
    this.busy = false;
    this.fieldErrors = {};
    this.step = null;
    this.mfa = null;
    this.mode = "sign-in";
    this.resetFor = "";
  }

  /** Run one step; a refusal is shown next to its field, or above the form. */
  private async run(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.error = "";
    try {
      await work();
    } catch (exc) {
      const err = exc as ApiError;
      if (err.field === "new_password" || err.field === "code") this.fieldErrors = { [err.field]: err.message };
      else this.error = err.code === "invalid_credentials" ? "That email and password do not match an account." : err.message || "Sign-in failed. Try again.";
      if (err.code === "invalid_session") this.step = null;
    } finally {
      this.busy = false;
    }
  }

  private async next(step: SignInStep | null): Promise<void> {
    this.fieldErrors = {};
    this.step = step;
    this.mfa = step?.challenge === "MFA_SETUP" ? await session.mfaSecret(step) : null;
    if (!step) {
      const wanted = afterSignIn(location.hash);
      if (location.hash !== wanted) location.hash = wanted;
    }
  }

  private answer(e: SubmitEvent): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    const step = this.step;
    if (!step) return;
    void this.run(async () => {
      if (step.challenge === "NEW_PASSWORD_REQUIRED") {
        const password = String(data.get("new_password") ?? "");
        if (password !== String(data.get("confirm") ?? "")) {
          this.fieldErrors = { confirm: "The two passwords differ" };
          return;
        }
        await this.next(await session.answer(step, { new_password: password }));
      } else if (step.challenge === "SOFTWARE_TOKEN_MFA") {
        await this.next(await session.answer(step, { code: String(data.get("code") ?? "").trim() }));
      } else if (this.mfa?.session) {
        await this.next(await session.mfaVerify(step, this.mfa.session, String(data.get("code") ?? "").trim()));
      }
    });
  }

  private forgot(e: SubmitEvent): void {
    e.preventDefault();
    const email = String(new FormData(e.target as HTMLFormElement).get("email") ?? "").trim();
    void this.run(async () => {
      await session.forgot(email);
      this.resetFor = email;
      this.mode = "reset";
      this.notice = "If that email has an account, a code is on its way.";
    });
  }

  private reset(e: SubmitEvent): void {
    e.preventDefault();
    const data = new FormData(e.target as HTMLFormElement);
    void this.run(async () => {
      await session.reset(this.resetFor, String(data.get("code") ?? "").trim(), String(data.get("new_password") ?? ""));
      this.mode = "sign-in";
      this.notice = "Your password is changed: sign in with it.";
    });
  }

  private stepForm() {
    const step = this.step!;
    const fe = this.fieldErrors;
    const err = (name: string) => (fe[name] ? html`<div class="error" id="step-${name}-error">${fe[name]}</div>` : null);
    if (step.challenge === "NEW_PASSWORD_REQUIRED") {
      return html`<h1>Choose your password</h1>
        <p class="muted small">Signed in as ${step.email} with a temporary password: choose your own.</p>
        <form class="stack" @submit=${this.answer} novalidate>
          ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : null}
          <div class="field"><label for="step-new_password">New password</label>
            <input id="step-new_password" name="new_password" type="password" autocomplete="new-password" required aria-describedby="step-policy step-new_password-error" aria-invalid=${fe.new_password ? "true" : "false"} />
            <div class="hint" id="step-policy">${POLICY}</div>${err("new_password")}</div>
          <div class="field"><label for="step-confirm">The same again</label>
            <input id="step-confirm" name="confirm" type="password" autocomplete="new-password" required aria-describedby="step-confirm-error" aria-invalid=${fe.confirm ? "true" : "false"} />${err("confirm")}</div>
          <button class="primary" type="submit" ?disabled=${this.busy}>Set password</button>
        </form>`;
    }
    const setup = step.challenge === "MFA_SETUP";
    return html`<h1>${setup ? "Set up your authenticator" : "Enter your code"}</h1>
      ${setup && this.mfa
        ? html`<p class="small">Managers and finance sign in with a code from an authenticator app (1Password, Google Authenticator, Authy…).
            Scan this code with it:</p>
            ${qrCode(this.mfa.otpauth_uri)}
            <p class="small">or <a href=${this.mfa.otpauth_uri}>open it in the app</a>, or type this key:</p>
            <p><code data-testid="mfa-secret">${this.mfa.secret}</code></p>`
        : html`<p class="muted small">The 6 digits your authenticator app shows for Pooldesk (${step.email}).</p>`}
      <form class="stack" @submit=${this.answer} novalidate>
        ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : null}
        <div class="field"><label for="step-code">Code</label>
          <input id="step-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required aria-describedby="step-code-error" aria-invalid=${fe.code ? "true" : "false"} />${err("code")}</div>
        <button class="primary" type="submit" ?disabled=${this.busy}>${setup ? "Turn on and sign in" : "Sign in"}</button>
      </form>`;
  }

  private forgotForm() {
    if (this.mode === "forgot") {
      return html`<h1>Forgot your password?</h1>
        <form class="stack" @submit=${this.forgot} novalidate>
          ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : null}
          <div class="field"><label for="forgot-email">Email</label><input id="forgot-email" name="email" type="email" autocomplete="username" required /></div>
          <button class="primary" type="submit" ?disabled=${this.busy}>Email me a code</button>
          <button type="button" class="link" @click=${() => (this.mode = "sign-in")}>Back to sign in</button>
        </form>`;
    }
    const fe = this.fieldErrors;
    return html`<h1>Reset your password</h1>
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : null}
      <form class="stack" @submit=${this.reset} novalidate>
        ${this.error ? html`<div class="form-error" role="alert">${this.error}</div>` : null}
        <div class="field"><label for="reset-code">Code from the email</label><input id="reset-code" name="code" inputmode="numeric" autocomplete="one-time-code" required /></div>
        <div class="field"><label for="reset-new_password">New password</label>
          <input id="reset-new_password" name="new_password" type="password" autocomplete="new-password" required aria-describedby="reset-policy" aria-invalid=${fe.new_password ? "true" : "false"} />
          <div class="hint" id="reset-policy">${POLICY}</div>${fe.new_password ? html`<div class="error">${fe.new_password}</div>` : null}</div>
        <button class="primary" type="submit" ?disabled=${this.busy}>Set password</button>
      </form>`;
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
    await this.run(async () => this.next(await session.login(email, password)));
  }

  protected override render() {
    const fe = this.fieldErrors;
    if (this.step || this.mode !== "sign-in") {
      return html`<div class="login"><div class="card"><div class="brand">${logo()} Pooldesk</div>
        ${this.step ? this.stepForm() : this.forgotForm()}</div></div>`;
    }
    return html`<div class="login">
      <div class="card">
        <div class="brand">${logo()} Pooldesk</div>
        <h1>Sign in</h1>
        <p class="muted small">Fund managers, finance staff and investors sign in with the email their invitation came to.</p>
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
          <button type="button" class="link" @click=${() => ((this.mode = "forgot"), (this.error = ""), (this.notice = ""))}>Forgot your password?</button>
        </form>
      </div>
    </div>`;
  }
}
customElement("pd-login", LoginView);

/** The otpauth URI as a QR code an authenticator app scans. */
function qrCode(uri: string) {
  const qr = qrPath(uri);
  const side = qr.size + 8; // a quiet zone of 4 modules all round
  return html`<figure class="qr" data-testid="mfa-qr">
    ${svg`<svg role="img" aria-label="QR code of the authenticator key" viewBox="-4 -4 ${side} ${side}" width="200" height="200" shape-rendering="crispEdges"><rect x="-4" y="-4" width=${side} height=${side} fill="#fff"></rect><path d=${qr.d} fill="#000"></path></svg>`}
  </figure>`;
}

export function logo() {
  return html`<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="currentColor" opacity="0.15"/><path d="M7 22 L13 15 L18 19 L25 9" stroke="#5ee0b4" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
}
