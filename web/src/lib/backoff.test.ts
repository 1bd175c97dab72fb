import { describe, expect, it } from "vitest";
import { reconnectDelay } from "./backoff";

describe("reconnect backoff", () => {
  it("grows exponentially and stays under the cap", () => {
    const max = (n: number) => reconnectDelay(n, () => 1);
    const min = (n: number) => reconnectDelay(n, () => 0);
    expect([max(0), max(1), max(2), max(3)]).toEqual([500, 1000, 2000, 4000]);
    expect(min(0)).toBe(250);
    expect(max(20)).toBe(15_000);
    expect(min(20)).toBe(7_500);
  });
});
