import { describe, expect, it } from "vitest";
import { isNewer } from "./freshness";

describe("pool freshness", () => {
  it("takes equal or later versions and refuses earlier ones", () => {
    expect(isNewer({ version: 7 }, { version: 7 })).toBe(true);
    expect(isNewer({ version: 8 }, { version: 7 })).toBe(true);
    expect(isNewer({ version: 6 }, { version: 7 })).toBe(false);
    expect(isNewer({}, { version: 7 })).toBe(true); // a push without a version is taken as it is
  });
});
