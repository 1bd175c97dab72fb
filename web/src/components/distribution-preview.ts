import { html, nothing } from "lit";
import { div, sign, sum, toString } from "../lib/decimal";
import { money, percent, units as fmtUnits } from "../lib/format";
import type { DistributionPreview } from "../lib/types";

const PREVIEW_PAGE = 50;

/** Every investor's share of a distribution before it is paid, 50 to a page, with the
 * exact total (the shares sum to it). */
export function previewTable(p: DistributionPreview, cur: string, page: number, turn: (page: number) => void) {
  const pages = Math.max(1, Math.ceil(p.allocations.length / PREVIEW_PAGE));
  const shown = p.allocations.slice(page * PREVIEW_PAGE, (page + 1) * PREVIEW_PAGE);
  const total = toString(sum(p.allocations.map((a) => a.amount)));
  return html`<section aria-labelledby="preview-title" data-testid="distribution-preview">
      <h3 id="preview-title">Each investor's share</h3>
      <p class="muted small">${p.allocations.length} investors holding ${fmtUnits(p.units)} units. Check, then pay out.</p>
      <div class="table-wrap">
        <table aria-label="Distribution preview">
          <thead><tr><th>Investor</th><th class="num">Units</th><th class="num">Share</th><th class="num">Amount</th></tr></thead>
          <tbody>
            ${shown.map(
              (a) => html`<tr>
                <td>${a.name}</td>
                <td class="num">${fmtUnits(a.units)}</td>
                <td class="num">${percent(sign(p.units) === 0 ? "0" : div(a.units, p.units, 8), { digits: 4 })}</td>
                <td class="num">${money(a.amount, cur)}</td>
              </tr>`,
            )}
          </tbody>
          <tfoot><tr><th scope="row">Total</th><td></td><td></td><td class="num" data-testid="preview-total">${money(total, cur)}</td></tr></tfoot>
        </table>
      </div>
      ${pages > 1
        ? html`<div class="pager">
            <button type="button" ?disabled=${page === 0} @click=${() => turn(page - 1)}>Previous</button>
            <span class="small">Page ${page + 1} of ${pages}</span>
            <button type="button" ?disabled=${page >= pages - 1} @click=${() => turn(page + 1)}>Next</button>
          </div>`
        : nothing}
    </section>`;
}
