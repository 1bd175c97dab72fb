// The app's singletons: the session, the API client, the live connection and a
// small event bus screens use to hear pushes and raise toasts.
import { Api, Session } from "./lib/api";
import { LiveConnection, type LiveStatus } from "./lib/live";
import { Prefetch } from "./lib/prefetch";
import type { PoolLabel } from "./lib/announce";
import type { ClientConfig, Investor, LiveMessage, Me, Page, WsTicket } from "./lib/types";

export const session = new Session();
export const api = new Api(session);

type Handler<T> = (value: T) => void;

class Bus<T> {
  private handlers = new Set<Handler<T>>();
  on(h: Handler<T>): () => void {
    this.handlers.add(h);
    return () => this.handlers.delete(h);
  }
  emit(value: T): void {
    for (const h of [...this.handlers]) h(value);
  }
}

export interface Toast {
  kind: "info" | "success" | "error";
  text: string;
}

export const liveMessages = new Bus<LiveMessage>();
/** Answers a screen started before the element that draws them asked (lib/prefetch.ts). */
export const prefetched = new Prefetch<unknown>();
/** Entries this tab just recorded: their own dialog already said so, the live push need not. */
export const ownEntries = new Set<string>();
/** Names and currencies of the pools this tab has shown, for toasts about them. */
export const knownPools = new Map<string, PoolLabel>();
export const liveStatus = new Bus<LiveStatus>();
export const toasts = new Bus<Toast>();

let config: Promise<ClientConfig> | null = null;

export function clientConfig(): Promise<ClientConfig> {
  config ??= fetch("/config").then((r) => {
    if (!r.ok) throw new Error(`config answered ${r.status}`);
    return r.json() as Promise<ClientConfig>;
  });
  config.catch(() => (config = null));
  return config;
}

export const live = new LiveConnection({
  url: async () => {
    const cfg = await clientConfig();
    if (!session.signedIn || !cfg.websocket_url) return null;
    // API Gateway's $connect sees only the query string: a single-use ticket, valid
    // 30 seconds, travels there (an access token would be kept by access logs).
    const { ticket } = await api.post<WsTicket>("/auth/ws-ticket", undefined);
    const url = new URL(cfg.websocket_url);
    url.searchParams.set("ticket", ticket);
    return url.toString();
  },
  onMessage: (m) => liveMessages.emit(m),
  onStatus: (s) => liveStatus.emit(s),
});

let me: Promise<Me> | null = null;

export function whoAmI(): Promise<Me> {
  me ??= api.get<Me>("/me");
  me.catch(() => (me = null));
  return me;
}

session.onChange((signedIn) => {
  me = null;
  if (signedIn) live.start();
  else live.stop();
});
if (session.signedIn) live.start();

/** Investors of a pool whose name or email contains ``q`` (the server searches); none on failure. */
export async function findInvestors(poolId: string, q: string, limit: number): Promise<Investor[]> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (q) params.set("q", q);
  try {
    return (await api.get<Page<Investor>>(`/pools/${poolId}/investors?${params}`)).items;
  } catch {
    return [];
  }
}
