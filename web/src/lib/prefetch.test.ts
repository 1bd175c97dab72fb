import { describe, expect, it } from "vitest";
import { Prefetch } from "./prefetch";

describe("Prefetch", () => {
  it("starts a request once and hands its answer to the first taker only", async () => {
    const prefetch = new Prefetch<string>();
    let calls = 0;
    const load = () => Promise.resolve(`answer ${++calls}`);
    prefetch.start("/pools/p1/investors?limit=50", load);
    prefetch.start("/pools/p1/investors?limit=50", load); // already on its way
    expect(calls).toBe(1);
    await expect(prefetch.take("/pools/p1/investors?limit=50")).resolves.toBe("answer 1");
    expect(prefetch.take("/pools/p1/investors?limit=50")).toBeUndefined();
  });

  it("keeps a failure for the taker to report, and keeps only the latest few", async () => {
    const prefetch = new Prefetch<string>();
    prefetch.start("a", () => Promise.reject(new Error("offline")));
    await expect(prefetch.take("a")).rejects.toThrow("offline");
    for (const key of ["1", "2", "3"]) prefetch.start(key, () => Promise.resolve(key), 2);
    expect(prefetch.take("1")).toBeUndefined();
    await expect(prefetch.take("3")).resolves.toBe("3");
  });
});
