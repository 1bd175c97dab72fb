// The live connection: one WebSocket per tab, re-opened with backoff when it
// drops. Pushes only say "this changed"; after every (re)subscribe the screen
// refetches, so nothing that happened while offline is missed.
import { reconnectDelay } from "./backoff";
import type { LiveMessage } from "./types";

const KEEPALIVE_MS = 5 * 60_000;

export type LiveStatus = "connecting" | "live" | "offline";

export interface LiveOptions {
  url: () => Promise<string | null>; // the WebSocket URL with a fresh token, or null when signed out
  onMessage: (m: LiveMessage) => void;
  onStatus: (s: LiveStatus) => void;
  socket?: (url: string) => WebSocket;
  random?: () => number;
}

export class LiveConnection {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private pools = new Set<string>();
  private stopped = true;
  status: LiveStatus = "offline";

  constructor(private readonly opts: LiveOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, "signed out");
    this.setStatus("offline");
  }

  /** Follow a pool; re-sent on every reconnect. */
  subscribe(poolId: string): void {
    this.pools.add(poolId);
    this.sendSubscribe(poolId);
  }

  /** Stop re-subscribing to a pool (the gateway has no unsubscribe; its pushes are ignored by screens not showing it). */
  forget(poolId: string): void {
    this.pools.delete(poolId);
  }

  private sendSubscribe(poolId: string): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ action: "subscribe", pool_id: poolId }));
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    this.setStatus("connecting");
    const url = await this.opts.url().catch(() => null);
    if (this.stopped) return;
    if (!url) {
      this.retry();
      return;
    }
    let ws: WebSocket;
    try {
      ws = this.opts.socket ? this.opts.socket(url) : new WebSocket(url);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      // API Gateway closes a WebSocket idle for 10 minutes.
      this.keepalive = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"action":"ping"}'), KEEPALIVE_MS);
      this.setStatus("live");
      for (const id of this.pools) this.sendSubscribe(id);
    };
    ws.onmessage = (ev: MessageEvent) => {
      try {
        this.opts.onMessage(JSON.parse(String(ev.data)) as LiveMessage);
      } catch {
        // A message we cannot read is ignored; the next refetch corrects the screen.
      }
    };
    ws.onclose = () => {
      if (this.keepalive) clearInterval(this.keepalive);
      this.keepalive = null;
      if (this.ws !== ws) return;
      this.ws = null;
      this.retry();
    };
    ws.onerror = () => ws.close();
  }

  private retry(): void {
    if (this.stopped) return;
    this.setStatus("offline");
    const wait = reconnectDelay(this.attempt++, this.opts.random);
    this.timer = setTimeout(() => void this.open(), wait);
  }

  private setStatus(s: LiveStatus): void {
    if (s === this.status) return;
    this.status = s;
    this.opts.onStatus(s);
  }
}
