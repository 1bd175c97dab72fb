import { describe, expect, it } from "vitest";
import { qrPath } from "./qr";

describe("an authenticator's QR code", () => {
  it("is a square of modules with the three finder patterns, the same every time", () => {
    const uri = "otpauth://totp/Pooldesk%3Amorgan%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Pooldesk";
    const a = qrPath(uri);
    expect(a).toEqual(qrPath(uri));
    expect((a.size - 17) % 4).toBe(0); // a QR version's size is 17 + 4 x version
    // Each finder pattern's top-left module is dark: top left, top right, bottom left.
    for (const [x, y] of [
      [0, 0],
      [a.size - 7, 0],
      [0, a.size - 7],
    ]) {
      expect(a.d).toContain(`M${x} ${y}h1v1h-1z`);
    }
    expect(qrPath(`${uri}&x=1`).d).not.toBe(a.d);
  });
});
