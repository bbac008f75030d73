// The loss curve as a standalone SVG: loss on a log scale (training losses
// span decades) against the step. No plotting dependency: a polyline, decade
// gridlines and labels are all it takes.
import type { LossRecord } from './trainer.js';

const W = 640;
const H = 400;
const M = { left: 64, right: 20, top: 36, bottom: 48 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

export function lossSvg(history: readonly LossRecord[], title: string): string {
  // A loss of exactly 0 has no place on a log axis; it is left out.
  const pts = history.filter((r) => r.loss > 0);
  const lastStep = Math.max(1, history.at(-1)?.step ?? 1);
  const logs = pts.map((r) => Math.log10(r.loss));
  const lo = Math.floor(logs.reduce((a, b) => Math.min(a, b), logs[0] ?? 0));
  const hi = Math.max(lo + 1, Math.ceil(logs.reduce((a, b) => Math.max(a, b), logs[0] ?? 0)));
  const x = (step: number) => M.left + (step / lastStep) * PW;
  const y = (log: number) => M.top + (1 - (log - lo) / (hi - lo)) * PH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (let d = lo; d <= hi; d++) {
    if (d < hi && hi - lo <= 6)
      for (let m = 2; m < 10; m++) out.push(hline(y(d + Math.log10(m)), '#eee'));
    out.push(hline(y(d), '#ccc'), `<text x="${M.left - 6}" y="${f(y(d) + 4)}" text-anchor="end">1e${d}</text>`);
  }
  for (const s of niceTicks(lastStep)) {
    out.push(`<line x1="${f(x(s))}" y1="${M.top + PH}" x2="${f(x(s))}" y2="${M.top + PH + 5}" stroke="#333"/>`);
    out.push(`<text x="${f(x(s))}" y="${M.top + PH + 18}" text-anchor="middle">${s}</text>`);
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="none" stroke="#333"/>`,
    `<text x="${M.left + PW / 2}" y="${H - 10}" text-anchor="middle">step</text>`,
    `<text x="16" y="${M.top + PH / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.top + PH / 2})">loss</text>`,
  );
  const line = envelope(pts).map((r) => [f(x(r.step)), f(y(Math.log10(r.loss)))]);
  if (line.length === 1) out.push(`<circle cx="${line[0]![0]}" cy="${line[0]![1]}" r="2" fill="#1f77b4"/>`);
  else if (line.length) out.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="1.2" points="${line.map((p) => p.join(',')).join(' ')}"/>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** More points than pixels: each pixel column's first, smallest and largest loss keeps the curve's shape. */
function envelope(pts: readonly LossRecord[]): LossRecord[] {
  if (pts.length <= 2 * PW) return [...pts];
  const last = pts.at(-1)!.step || 1;
  const cols = new Map<number, LossRecord[]>();
  for (const p of pts) {
    const c = Math.floor((p.step / last) * (PW - 1));
    (cols.get(c) ?? cols.set(c, []).get(c)!).push(p);
  }
  const out: LossRecord[] = [];
  for (const col of cols.values()) {
    const byLoss = [...col].sort((a, b) => a.loss - b.loss);
    const keep = new Set([col[0]!, byLoss[0]!, byLoss.at(-1)!]);
    out.push(...[...keep].sort((a, b) => a.step - b.step));
  }
  return out;
}

function niceTicks(max: number): number[] {
  const raw = max / 6;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let s = 0; s <= max; s += step) ticks.push(Math.max(0, Math.round(s)));
  return [...new Set(ticks)];
}

function hline(yy: number, color: string): string {
  return `<line x1="${M.left}" y1="${f(yy)}" x2="${M.left + PW}" y2="${f(yy)}" stroke="${color}"/>`;
}

function f(v: number): string {
  return v.toFixed(1);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
