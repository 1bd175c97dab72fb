// An authenticator's otpauth URI as a QR code: the modules as one SVG path (drawn by the
// page, no image request and no innerHTML), using qrcode-generator for the encoding.
import qrcode from "qrcode-generator";

export interface QrPath {
  size: number; // modules a side, without the quiet zone
  d: string; // an SVG path of every dark module, one unit square each
}

export function qrPath(text: string): QrPath {
  const code = qrcode(0, "M"); // the smallest version that holds it; medium error correction
  code.addData(text, "Byte");
  code.make();
  const size = code.getModuleCount();
  const parts: string[] = [];
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) if (code.isDark(row, col)) parts.push(`M${col} ${row}h1v1h-1z`);
  }
  return { size, d: parts.join("") };
}
