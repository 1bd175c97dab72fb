import { afterEach, describe, expect, it, vi } from "vitest";
import { debounce } from "./debounce";

describe("debounce", () => {
  afterEach(() => vi.useRealTimers());

  it("calls once, with the last arguments, after the pause", () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    const search = debounce((q: string) => seen.push(q), 200);
    search("a");
    search("al");
    vi.advanceTimersByTime(199);
    search("ali");
    vi.advanceTimersByTime(199);
    expect(seen).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(seen).toEqual(["ali"]);
  });
});
