// A study's strip plot: one column per cell, a dot per seed's aggregate and a
// bar at their mean, so the spread over seeds is seen beside the differences
// between cells. Log scale when every value is positive (errors span decades).
import type { CellRow } from './study-table.js';

const H = 460;
const M = { left: 96, right: 20, top: 36, bottom: 150 };
const PH = H - M.top - M.bottom;
const COLUMN = 70;

export function stripSvg(rows: readonly CellRow[], label: string, title: string): string {
  const W = M.left + M.right + Math.max(500, COLUMN * rows.length);
  const PW = W - M.left - M.right;
  const values = rows.flatMap((r) => r.seeds.flatMap((s) => (s.status === 'done' && Number.isFinite(s.aggregate) ? [s.aggregate] : [])));
  const log = values.length > 0 && values.every((v) => v > 0);
  const tf = log ? Math.log10 : (v: number) => v;
  let lo = Math.min(...values.map(tf));
  let hi = Math.max(...values.map(tf));
  if (!values.length) [lo, hi] = [0, 1];
  if (log) [lo, hi] = [Math.floor(lo), Math.max(Math.floor(lo) + 1, Math.ceil(hi))];
  else if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const x = (i: number) => M.left + ((i + 0.5) / Math.max(1, rows.length)) * PW;
  const y = (v: number) => M.top + (1 - (tf(v) - lo) / (hi - lo)) * PH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  const ticks: number[] = log ? Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i)) : Array.from({ length: 6 }, (_, i) => lo + ((hi - lo) * i) / 5);
  // Within a decade or two, 2× and 5× lines with labels: the cells often differ by less than a decade.
  if (log && hi - lo <= 2)
    for (let d = lo; d < hi; d++)
      for (const m of [2, 5])
        out.push(
          `<line x1="${M.left}" y1="${f(y(m * 10 ** d))}" x2="${M.left + PW}" y2="${f(y(m * 10 ** d))}" stroke="#eee"/>`,
          `<text x="${M.left - 6}" y="${f(y(m * 10 ** d) + 4)}" text-anchor="end" fill="#555">${m}e${d}</text>`,
        );
  for (const v of ticks)
    out.push(
      `<line x1="${M.left}" y1="${f(y(v))}" x2="${M.left + PW}" y2="${f(y(v))}" stroke="#ddd"/>`,
      `<text x="${M.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${log ? `1e${Math.round(Math.log10(v))}` : Number(v.toPrecision(4))}</text>`,
    );
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="none" stroke="#333"/>`,
    `<text x="16" y="${M.top + PH / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.top + PH / 2})">${escape(label)}</text>`,
  );
  rows.forEach((r, i) => {
    const cx = x(i);
    const by = M.top + PH + 14;
    out.push(`<text x="${f(cx)}" y="${by}" text-anchor="end" transform="rotate(-35 ${f(cx)} ${by})">${escape(`${i}: ${r.cell.values.join(', ')}`)}</text>`);
    const done = r.seeds.flatMap((s) => (s.status === 'done' && Number.isFinite(s.aggregate) && (!log || s.aggregate > 0) ? [s.aggregate] : []));
    // Seeds side by side within the column, so equal values stay visible.
    done.forEach((v, k) => out.push(`<circle cx="${f(cx + (k - (done.length - 1) / 2) * 6)}" cy="${f(y(v))}" r="3.5" fill="#1f77b4" fill-opacity="0.7"/>`));
    if (done.length) {
      const mean = done.reduce((a, v) => a + v, 0) / done.length;
      out.push(`<line x1="${f(cx - 18)}" y1="${f(y(mean))}" x2="${f(cx + 18)}" y2="${f(y(mean))}" stroke="#d62728" stroke-width="2"/>`);
    }
    const missing = r.seeds.length - done.length;
    if (missing > 0) out.push(`<text x="${f(cx)}" y="${M.top + 14}" text-anchor="middle" fill="#d62728">${missing} failed</text>`);
  });
  out.push(`<text x="${M.left + PW - 6}" y="${M.top + PH - 8}" text-anchor="end" fill="#555">dots: seeds; bar: their mean</text>`, '</svg>');
  return out.join('\n') + '\n';
}

function f(v: number): string {
  return v.toFixed(1);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
