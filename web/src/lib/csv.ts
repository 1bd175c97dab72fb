// CSV as spreadsheets read it (RFC 4180). Cells that a spreadsheet would run as
// a formula are prefixed with a quote, so an investor named "=HYPERLINK(...)"
// stays text; so are their fullwidth forms (＝ ＋ － ＠), which some spreadsheets
// fold to the ASCII ones before deciding.

export type Cell = string | number | null | undefined;

function cell(value: Cell): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** Offer ``text`` as a file download (browser only). */
export function download(filename: string, text: string, type = "text/csv;charset=utf-8"): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "").toLowerCase() || "export";
}
