import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { LiveConnection, type LiveStatus } from "./live";

class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  send(m: string) {
    this.sent.push(m);
  }
  close() {
    this.readyState = 3;
    this.onclose?.();
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
}

describe("the live connection", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal("WebSocket", FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it("re-subscribes after a drop, with backoff, and reports its status", async () => {
    const sockets: FakeSocket[] = [];
    const statuses: LiveStatus[] = [];
    const messages: unknown[] = [];
    const live = new LiveConnection({
      url: async () => "ws://x/?ticket=t",
      onMessage: (m) => messages.push(m),
      onStatus: (s) => statuses.push(s),
      socket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s as unknown as WebSocket;
      },
      random: () => 1,
    });
    live.subscribe("pl_1");
    live.start();
    await vi.advanceTimersByTimeAsync(0);
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual(['{"action":"subscribe","pool_id":"pl_1"}']);
    sockets[0]!.onmessage?.({ data: '{"type":"subscribed","pool_id":"pl_1"}' });
    expect(messages).toEqual([{ type: "subscribed", pool_id: "pl_1" }]);

    sockets[0]!.close(); // the gateway went away
    expect(live.status).toBe("offline");
    await vi.advanceTimersByTimeAsync(499);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    sockets[1]!.close(); // still down: the next wait doubles
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    sockets[2]!.open();
    expect(sockets[2]!.sent).toEqual(['{"action":"subscribe","pool_id":"pl_1"}']);
    expect(statuses).toEqual(["connecting", "live", "offline", "connecting", "offline", "connecting", "live"]);
    live.stop();
    expect(live.status).toBe("offline");
  });
});
