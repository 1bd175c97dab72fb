import { describe, expect, it, vi } from "vitest";
import { Api, ApiError, Session, emailOf, errorFrom, fetchAll, type TabChannel } from "./api";

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
    data,
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("API errors", () => {
  it("carry the code and the field the API named", () => {
    const e = errorFrom(400, { error: { code: "invalid_amount", message: "amount must be greater than zero", field: "amount" } });
    expect([e.status, e.code, e.field, e.message]).toEqual([400, "invalid_amount", "amount", "amount must be greater than zero"]);
    expect(errorFrom(502, "<html>").code).toBe("unexpected");
  });
});

describe("the session", () => {
  it("refreshes the token before it expires", async () => {
    let now = 1_000_000;
    const calls: string[] = [];
    const fetcher = vi.fn(async (url: string | URL | Request) => {
      calls.push(String(url));
      return String(url) === "/auth/login"
        ? json(200, { access_token: "a1", id_token: "i", refresh_token: "r1", expires_in: 3600 })
        : json(200, { access_token: "a2", id_token: "i", refresh_token: null, expires_in: 3600 });
    }) as unknown as typeof fetch;
    const storage = memoryStorage();
    const s = new Session(storage, () => now, fetcher);
    await s.login("m@example.com", "pw");
    expect(await s.token()).toBe("a1");
    now += 3600_000 - 30_000; // 30 s before expiry: inside the margin
    expect(await s.token()).toBe("a2");
    expect(calls).toEqual(["/auth/login", "/auth/refresh"]);
    // The refresh token is kept when Cognito does not return a new one.
    expect(JSON.parse(storage.data.get("pooldesk.session")!).refresh).toBe("r1");
    s.signOut();
  });

  it("ends when the refresh token is refused", async () => {
    let now = 0;
    const fetcher = (async (url: string | URL | Request) =>
      String(url) === "/auth/login"
        ? json(200, { access_token: "a1", id_token: "i", refresh_token: "r1", expires_in: 60 })
        : json(401, { error: { code: "invalid_token", message: "expired" } })) as typeof fetch;
    const s = new Session(memoryStorage(), () => now, fetcher);
    await s.login("m@example.com", "pw");
    const seen: boolean[] = [];
    s.onChange((v) => seen.push(v));
    now += 59_000;
    expect(await s.token()).toBeNull();
    expect(s.signedIn).toBe(false);
    expect(seen).toEqual([false]);
    expect(s.endedBy).toBe("expired"); // the sign-in page says the session expired, not that nothing happened
  });

  it("reports a wrong password as the API's error", async () => {
    const fetcher = (async () => json(401, { error: { code: "invalid_credentials", message: "wrong email or password" } })) as typeof fetch;
    const s = new Session(memoryStorage(), Date.now, fetcher);
    await expect(s.login("m@example.com", "bad")).rejects.toMatchObject({ code: "invalid_credentials", status: 401 });
    expect(s.signedIn).toBe(false);
  });
});

/** Two tabs' channels joined as BroadcastChannel joins them: each hears the other, never itself. */
function tabPair(): [TabChannel, TabChannel] {
  const make = (): TabChannel => ({ onmessage: null, postMessage: () => undefined });
  const [a, b] = [make(), make()];
  a.postMessage = (m) => queueMicrotask(() => b.onmessage?.({ data: m } as MessageEvent));
  b.postMessage = (m) => queueMicrotask(() => a.onmessage?.({ data: m } as MessageEvent));
  return [a, b];
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe("a session across the tabs of one browser", () => {
  const login = (async (url: string | URL | Request) =>
    String(url) === "/auth/login"
      ? json(200, { access_token: "a1", id_token: "i", refresh_token: "r1", expires_in: 3600 })
      : json(200, { signed_out: true })) as typeof fetch;

  it("is shared with a new tab, and signing out in one signs out both", async () => {
    const [one, two] = tabPair();
    const first = new Session(memoryStorage(), Date.now, login, one);
    await first.login("m@example.com", "pw");
    const second = new Session(memoryStorage(), Date.now, login, two); // a new tab asks the open ones
    await settle();
    expect([second.signedIn, await second.token(), second.email]).toEqual([true, "a1", ""]);
    await first.signOutEverywhere();
    await settle();
    expect([first.signedIn, second.signedIn, second.endedBy]).toEqual([false, false, "signed_out"]);
  });

  it("signs out once the API has recorded it, so a sign-in straight after is not refused", async () => {
    const order: string[] = [];
    let recorded: () => void = () => undefined;
    const fetcher = (async (url: string | URL | Request) => {
      if (String(url) === "/auth/logout") {
        order.push("logout sent");
        await new Promise<void>((resolve) => (recorded = resolve));
        order.push("logout recorded");
        return json(200, { signed_out: true });
      }
      return json(200, { access_token: "a1", id_token: "i", refresh_token: "r1", expires_in: 3600 });
    }) as typeof fetch;
    const session = new Session(memoryStorage(), Date.now, fetcher, null);
    await session.login("m@example.com", "pw");
    const out = session.signOutEverywhere();
    await settle();
    expect([order, session.signedIn]).toEqual([["logout sent"], true]);
    // A request this tab makes meanwhile is refused because of this sign-out: it says so, not "elsewhere".
    session.signOut("revoked");
    expect(session.endedBy).toEqual("signed_out");
    recorded();
    await out;
    expect([order, session.signedIn, session.endedBy]).toEqual([["logout sent", "logout recorded"], false, "signed_out"]);
  });

  it("says why it ended when finance disabled the login or it was signed out elsewhere", async () => {
    for (const [code, reason] of [
      ["account_disabled", "disabled"],
      ["signed_out", "revoked"],
    ] as const) {
      const fetcher = (async (url: string | URL | Request) =>
        String(url) === "/auth/login"
          ? json(200, { access_token: "a1", id_token: "i", refresh_token: "r1", expires_in: 3600 })
          : json(401, { error: { code, message: "no" } })) as typeof fetch;
      const session = new Session(memoryStorage(), Date.now, fetcher, null);
      await session.login("m@example.com", "pw");
      await expect(new Api(session, fetcher).get("/me/holdings")).rejects.toMatchObject({ status: 401, code });
      expect([session.signedIn, session.endedBy]).toEqual([false, reason]);
    }
  });
});

describe("the API client", () => {
  it("sends the token and the Idempotency-Key, and raises the API's error", async () => {
    const seen: Array<Record<string, string>> = [];
    const fetcher = (async (url: string | URL | Request, init?: RequestInit) => {
      if (String(url) === "/auth/login") return json(200, { access_token: "tok", id_token: "i", refresh_token: "r", expires_in: 3600 });
      seen.push(init?.headers as Record<string, string>);
      return json(422, { error: { code: "insufficient_cash", message: "the pool holds only 5.00 USD in cash", field: "amount" } });
    }) as typeof fetch;
    const session = new Session(memoryStorage(), Date.now, fetcher);
    await session.login("m@example.com", "pw");
    const api = new Api(session, fetcher);
    const err = await api.post("/pools/p/withdrawals", { amount: "10.00" }, { idempotencyKey: "k-1" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).field).toBe("amount");
    expect(seen[0]).toMatchObject({ Authorization: "Bearer tok", "Idempotency-Key": "k-1" });
    session.signOut();
  });
});

describe("the ID token", () => {
  it("names who signed in", () => {
    const payload = btoa(JSON.stringify({ email: "manager@example.com", sub: "u-1" })).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expect(emailOf(`h.${payload}.s`)).toBe("manager@example.com");
    expect(emailOf("garbage")).toBe("");
  });
});

describe("fetchAll", () => {
  it("follows next_cursor to the last page", async () => {
    const pages: Record<string, { items: number[]; next_cursor: string | null }> = {
      "/x": { items: [1, 2], next_cursor: "c1" },
      "/x?c=c1": { items: [3], next_cursor: "c2" },
      "/x?c=c2": { items: [], next_cursor: null },
    };
    const fake = { get: async (path: string) => pages[path] } as unknown as Api;
    const seen: number[] = [];
    const all = await fetchAll<number>(fake, (c) => (c ? `/x?c=${c}` : "/x"), (n) => seen.push(n));
    expect(all).toEqual([1, 2, 3]);
    expect(seen).toEqual([2, 3, 3]);
  });
});
