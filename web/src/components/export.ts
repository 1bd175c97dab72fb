import { api, toasts } from "../context";
import { fetchAll } from "../lib/api";
import { type Cell, download, toCsv } from "../lib/csv";

export interface CsvExport<T> {
  /** The listing's path for a page of 200, after ``cursor``. */
  page: (cursor: string | null) => string;
  header: string[];
  row: (item: T) => Cell[];
  filename: string;
}

/** Every item of a listing as a CSV download, with progress on ``host.exporting``
 * (a button's label) and a toast if it fails. */
export async function exportCsv<T>(host: { exporting: string }, o: CsvExport<T>): Promise<void> {
  host.exporting = "Exporting…";
  try {
    const rows = await fetchAll<T>(api, o.page, (n) => (host.exporting = `Exporting… ${n}`));
    download(o.filename, toCsv(o.header, rows.map(o.row)));
  } catch (exc) {
    toasts.emit({ kind: "error", text: (exc as Error).message });
  } finally {
    host.exporting = "";
  }
}
