// The API client: JSON in and out, the signed-in user's token on every call,
// a refresh before the token expires, and the API's errors as ApiError.
import type { MfaSecret, MfaVerified, SignIn, Tokens } from "./types";

/** A further step a sign-in needs before it gives tokens (Cognito's challenge), and what to answer it with. */
export interface SignInStep {
  challenge: "NEW_PASSWORD_REQUIRED" | "SOFTWARE_TOKEN_MFA" | "MFA_SETUP";
  session: string;
  email: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Turn an error body ({error: {code, message, field}}) into an ApiError. */
export function errorFrom(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  if (e && typeof e.code === "string") {
    return new ApiError(status, e.code, typeof e.message === "string" ? e.message : e.code, typeof e.field === "string" ? e.field : null);
  }
  if (status === 403) return new ApiError(status, "forbidden", "You may not do this.");
  return new ApiError(status, "unexpected", `The server answered ${status}. Try again in a moment.`);
}

const STORAGE_KEY = "pooldesk.session";
// Refresh this long before the access token expires.
const REFRESH_MARGIN_MS = 60_000;
// How long signing out waits for the API to record it before this browser signs out regardless.
const SIGN_OUT_WAIT_MS = 5_000;

interface Stored {
  access: string;
  refresh: string | null;
  expiresAt: number;
  email: string;
}

/** The email claim of a Cognito ID token, for display only (the API verifies every token itself). */
export function emailOf(idToken: string): string {
  try {
    const part = idToken.split(".")[1] ?? "";
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const claims = JSON.parse(json) as { email?: unknown };
    return typeof claims.email === "string" ? claims.email : "";
  } catch {
    return "";
  }
}

type Listener = (signedIn: boolean) => void;

/** Why a session ended: the user signed out (here or in another tab), it expired (its refresh
 * was refused), it was signed out everywhere from another browser, or finance disabled the login. */
export type SessionEnd = "signed_out" | "expired" | "revoked" | "disabled";

/** What the tabs of one browser tell each other (BroadcastChannel: this origin's tabs only). */
type TabMessage = { kind: "ask" } | { kind: "share"; stored: Stored } | { kind: "end"; reason: SessionEnd };

/** The part of BroadcastChannel a session uses (a test passes a fake). */
export interface TabChannel {
  postMessage(message: TabMessage): void;
  onmessage: ((event: MessageEvent<TabMessage>) => void) | null;
}

function browserChannel(): TabChannel | null {
  if (typeof window === "undefined" || typeof BroadcastChannel === "undefined") return null;
  return new BroadcastChannel("pooldesk.session") as unknown as TabChannel;
}

/** Tokens live in this tab's sessionStorage, never in a URL, a cookie or a log line. A new tab
 * of the same browser asks the open ones for the session over a BroadcastChannel, which only
 * pages of this origin can hear; signing out in one tab signs every tab out. */
export class Session {
  private current: Stored | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private signingOut = false;
  private refreshing: Promise<boolean> | null = null;
  private listeners = new Set<Listener>();
  /** How the last session ended (null while one is open, or before any): the sign-in page says so. */
  endedBy: SessionEnd | null = null;

  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null = typeof sessionStorage === "undefined" ? null : sessionStorage,
    private readonly now: () => number = Date.now,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
    private readonly tabs: TabChannel | null = browserChannel(),
  ) {
    const raw = this.storage?.getItem(STORAGE_KEY);
    if (raw) {
      try {
        const parsed = JSON.parse(raw) as Stored;
        if (parsed.access && parsed.expiresAt) this.current = parsed;
      } catch {
        this.storage?.removeItem(STORAGE_KEY);
      }
    }
    if (this.tabs) {
      this.tabs.onmessage = (event) => this.heard(event.data);
      if (!this.current) this.tabs.postMessage({ kind: "ask" });
    }
    this.schedule();
  }

  private heard(message: TabMessage): void {
    if (message.kind === "ask" && this.current) this.tabs?.postMessage({ kind: "share", stored: this.current });
    else if (message.kind === "share" && message.stored.expiresAt > (this.current?.expiresAt ?? 0)) this.keep(message.stored, false);
    else if (message.kind === "end" && this.current) this.end(message.reason, false);
  }

  get signedIn(): boolean {
    return this.current !== null;
  }

  /** Who signed in, from the ID token: Cognito's access token names the user only by id. */
  get email(): string {
    return this.current?.email ?? "";
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sign in: null once signed in, or the further step Cognito asks for. */
  async login(email: string, password: string): Promise<SignInStep | null> {
    return this.signIn(await this.post<SignIn>("/auth/login", { email, password }), email);
  }

  /** Answer a step with a new password or an authenticator's code: null once signed in, or the next step. */
  async answer(step: SignInStep, answer: { new_password?: string; code?: string }): Promise<SignInStep | null> {
    const body = { challenge: step.challenge, email: step.email, session: step.session, ...answer };
    return this.signIn(await this.post<SignIn>("/auth/challenge", body), step.email);
  }

  /** A new authenticator secret during a sign-in (the step is MFA_SETUP). */
  async mfaSecret(step: SignInStep): Promise<MfaSecret> {
    return this.post<MfaSecret>("/auth/mfa/setup", { session: step.session, email: step.email });
  }

  /** The authenticator's first code: it is turned on, and the sign-in ends with tokens. */
  async mfaVerify(step: SignInStep, session: string, code: string): Promise<SignInStep | null> {
    const done = await this.post<MfaVerified>("/auth/mfa/verify", { session, email: step.email, code });
    return done.signed_in ? this.signIn(done.signed_in, step.email) : null;
  }

  async forgot(email: string): Promise<void> {
    await this.post("/auth/forgot", { email });
  }

  async reset(email: string, code: string, newPassword: string): Promise<void> {
    await this.post("/auth/reset", { email, code, new_password: newPassword });
  }

  private signIn(answer: SignIn, email: string): SignInStep | null {
    if (answer.challenge && answer.session) return { challenge: answer.challenge, session: answer.session, email: answer.email ?? email };
    this.store(answer as Tokens);
    return null;
  }

  private async post<T>(path: string, payload: unknown): Promise<T> {
    const resp = await this.fetcher(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
    const body = await resp.json().catch(() => null);
    if (!resp.ok) throw errorFrom(resp.status, body);
    return body as T;
  }

  signOut(reason: SessionEnd = "signed_out"): void {
    // A request refused while this user's own sign-out is on its way was refused because of it.
    this.end(this.signingOut ? "signed_out" : reason, true);
  }

  /** Sign out everywhere: Cognito revokes the refresh tokens and the API refuses the access
   * tokens already handed out, in every browser; then this browser's tabs sign out. The tabs
   * sign out once the API has recorded it: a sign-in made here before it had would be
   * refused with the old tokens, as if signed out from elsewhere. */
  async signOutEverywhere(): Promise<void> {
    const access = this.current?.access;
    if (access) {
      this.signingOut = true;
      try {
        const timeout = AbortSignal.timeout(SIGN_OUT_WAIT_MS);
        await this.fetcher("/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${access}` }, signal: timeout });
      } catch {
        // Offline or slow: this browser signs out anyway; the tokens expire within the hour.
      } finally {
        this.signingOut = false;
      }
    }
    this.end("signed_out", true);
  }

  private end(reason: SessionEnd, tell: boolean): void {
    if (this.current) this.endedBy = reason;
    const had = this.current !== null;
    this.current = null;
    this.storage?.removeItem(STORAGE_KEY);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (had && tell) this.tabs?.postMessage({ kind: "end", reason });
    this.emit();
  }

  /** A token good for at least the refresh margin, refreshing first if needed; null when signed out. */
  async token(): Promise<string | null> {
    if (!this.current) return null;
    if (this.current.expiresAt - this.now() < REFRESH_MARGIN_MS) await this.refresh();
    return this.current?.access ?? null;
  }

  /** Exchange the refresh token; on failure the session ends. One refresh at a time. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.doRefresh().finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<boolean> {
    const refreshToken = this.current?.refresh;
    if (!refreshToken) {
      this.signOut("expired");
      return false;
    }
    try {
      const resp = await this.fetcher("/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ refresh_token: refreshToken }),
      });
      if (resp.status === 401 || resp.status === 400) {
        this.signOut("expired");
        return false;
      }
      if (!resp.ok) return false; // a passing outage: keep the session, try again later
      this.store((await resp.json()) as Tokens, refreshToken, this.current?.email ?? "");
      return true;
    } catch {
      return false;
    }
  }

  private store(t: Tokens, previousRefresh: string | null = null, previousEmail = ""): void {
    this.keep(
      {
        access: t.access_token,
        refresh: t.refresh_token ?? previousRefresh,
        expiresAt: this.now() + t.expires_in * 1000,
        email: emailOf(t.id_token) || previousEmail,
      },
      true,
    );
  }

  private keep(stored: Stored, tell: boolean): void {
    this.current = stored;
    this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.current));
    this.endedBy = null;
    // The other tabs take the new tokens too (a refresh here spares them theirs).
    if (tell) this.tabs?.postMessage({ kind: "share", stored });
    this.schedule();
    this.emit();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.current) return;
    const wait = Math.max(1_000, this.current.expiresAt - this.now() - REFRESH_MARGIN_MS);
    this.timer = setTimeout(() => void this.refresh(), wait);
  }

  private emit(): void {
    for (const l of this.listeners) l(this.signedIn);
  }
}

export interface SendOptions {
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export class Api {
  constructor(
    private readonly session: Session,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  get<T>(path: string, options: SendOptions = {}): Promise<T> {
    return this.send<T>("GET", path, undefined, options);
  }

  post<T>(path: string, body: unknown, options: SendOptions = {}): Promise<T> {
    return this.send<T>("POST", path, body, options);
  }

  put<T>(path: string, body: unknown, options: SendOptions = {}): Promise<T> {
    return this.send<T>("PUT", path, body, options);
  }

  patch<T>(path: string, body: unknown, options: SendOptions = {}): Promise<T> {
    return this.send<T>("PATCH", path, body, options);
  }

  delete<T>(path: string, options: SendOptions = {}): Promise<T> {
    return this.send<T>("DELETE", path, undefined, options);
  }

  private async send<T>(method: string, path: string, body: unknown, options: SendOptions, retried = false): Promise<T> {
    const token = await this.session.token();
    if (!token) throw new ApiError(401, "signed_out", "Your session has ended. Sign in again.");
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
    let resp: Response;
    try {
      resp = await this.fetcher(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal,
      });
    } catch (exc) {
      if ((exc as Error).name === "AbortError") throw exc;
      throw new ApiError(0, "network", "Cannot reach Pooldesk. Check your connection and try again.");
    }
    const data = resp.status === 204 ? null : await resp.json().catch(() => null);
    const code = (data as { error?: { code?: string } } | null)?.error?.code;
    // Disabled, or signed out everywhere: a refresh cannot help; the sign-in page says which.
    if (resp.status === 401 && (code === "account_disabled" || code === "signed_out")) {
      this.session.signOut(code === "account_disabled" ? "disabled" : "revoked");
      throw errorFrom(resp.status, data);
    }
    if (resp.status === 401 && !retried && (await this.session.refresh())) {
      return this.send<T>(method, path, body, options, true);
    }
    if (resp.status === 401) this.session.signOut("expired");
    if (!resp.ok) throw errorFrom(resp.status, data);
    return data as T;
  }
}

export function newIdempotencyKey(): string {
  return `web-${crypto.randomUUID()}`;
}

/** Every item of a paginated listing, following next_cursor (for exports). */
export async function fetchAll<T>(api: Api, pathFor: (cursor: string | null) => string, onPage?: (count: number) => void): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; next_cursor: string | null } = await api.get(pathFor(cursor));
    items.push(...page.items);
    cursor = page.next_cursor;
    onPage?.(items.length);
  } while (cursor);
  return items;
}
