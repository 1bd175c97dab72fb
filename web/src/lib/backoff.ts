// Reconnect delays: exponential with full jitter, capped, so a restarted
// gateway is not hit by every browser at the same instant.
export function reconnectDelay(attempt: number, random: () => number = Math.random, baseMs = 500, capMs = 15_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
