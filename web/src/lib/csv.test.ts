import { describe, expect, it } from "vitest";
import { fileSafe, toCsv } from "./csv";

describe("CSV export", () => {
  it("quotes what needs quoting and keeps amounts as written", () => {
    const text = toCsv(["name", "amount"], [["Smith, Jane", "1000.50"], ['Say "hi"', "-3.00"], ["Line\nbreak", null]]);
    expect(text).toBe('name,amount\r\n"Smith, Jane",1000.50\r\n"Say ""hi""",-3.00\r\n"Line\nbreak",\r\n');
  });

  it("neutralises spreadsheet formulas but not negative numbers", () => {
    expect(toCsv(["x"], [["=1+1"], ["@SUM(A1)"], ["-12.5"], ["+cmd"]])).toBe("x\r\n'=1+1\r\n'@SUM(A1)\r\n-12.5\r\n'+cmd\r\n");
  });

  it("neutralises the fullwidth forms of formula characters too", () => {
    expect(toCsv(["x"], [["＝1+1"], ["＋cmd"], ["－1+1"], ["＠SUM(A1)"], ["Ａda"]])).toBe("x\r\n'＝1+1\r\n'＋cmd\r\n'－1+1\r\n'＠SUM(A1)\r\nＡda\r\n");
  });

  it("makes safe file names", () => {
    expect(fileSafe("Harbor Growth Fund / Q4")).toBe("harbor-growth-fund-q4");
    expect(fileSafe("***")).toBe("export");
  });
});
