// One metric's rollout curve as a standalone SVG: the mean over the test
// trajectories against the rollout step, the band between the best and the
// worst trajectory shaded. Errors grow over decades in a rollout, so a metric
// whose values are all positive is drawn on a log scale; correlation (which
// can reach 0 or below) on a linear one. Laid out like loss.svg (svg.ts).
import type { MetricCurve } from './rollout-eval.js';

const W = 640;
const H = 400;
const M = { left: 64, right: 20, top: 36, bottom: 48 };
const PW = W - M.left - M.right;
const PH = H - M.top - M.bottom;

/** `legend` says what the line and the band are over (a study's: the seeds). */
export function metricSvg(c: MetricCurve, title: string, legend = 'mean over trajectories; band: min to max'): string {
  const steps = c.mean.length;
  const values = [...c.mean, ...c.min, ...c.max].filter(Number.isFinite);
  const log = c.name !== 'correlation' && values.length > 0 && values.every((v) => v > 0);
  const tf = log ? Math.log10 : (v: number) => v;
  const ys = values.map(tf);
  let lo = Math.min(...ys, log ? Infinity : 0);
  let hi = Math.max(...ys, log ? -Infinity : 1);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = [0, 1];
  if (log) [lo, hi] = [Math.floor(lo), Math.max(Math.floor(lo) + 1, Math.ceil(hi))];
  const x = (step: number) => M.left + (steps > 1 ? (step - 1) / (steps - 1) : 0.5) * PW;
  const y = (v: number) => M.top + (1 - (tf(v) - lo) / (hi - lo || 1)) * PH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
  ];
  for (const [v, label] of log ? decades(lo, hi) : linearTicks(lo, hi))
    out.push(hline(y(v)), `<text x="${M.left - 6}" y="${f(y(v) + 4)}" text-anchor="end">${label}</text>`);
  for (const s of stepTicks(steps)) {
    out.push(`<line x1="${f(x(s))}" y1="${M.top + PH}" x2="${f(x(s))}" y2="${M.top + PH + 5}" stroke="#333"/>`);
    out.push(`<text x="${f(x(s))}" y="${M.top + PH + 18}" text-anchor="middle">${s}</text>`);
  }
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${PW}" height="${PH}" fill="none" stroke="#333"/>`,
    `<text x="${M.left + PW / 2}" y="${H - 10}" text-anchor="middle">rollout step</text>`,
    `<text x="16" y="${M.top + PH / 2}" text-anchor="middle" transform="rotate(-90 16 ${M.top + PH / 2})">${escape(c.name)}</text>`,
  );
  // Points a log axis cannot place (0, negative, not finite) are left out.
  const drawable = (v: number) => Number.isFinite(v) && (!log || v > 0);
  const at = (xs: number[], i: number) => `${f(x(i + 1))},${f(y(xs[i]!))}`;
  const idx = c.mean.map((_, i) => i).filter((i) => drawable(c.min[i]!) && drawable(c.max[i]!));
  if (idx.length > 1) out.push(`<polygon fill="#1f77b4" fill-opacity="0.15" stroke="none" points="${[...idx.map((i) => at(c.max, i)), ...idx.reverse().map((i) => at(c.min, i))].join(' ')}"/>`);
  const line = c.mean.map((_, i) => i).filter((i) => drawable(c.mean[i]!));
  if (line.length === 1) out.push(`<circle cx="${f(x(line[0]! + 1))}" cy="${f(y(c.mean[line[0]!]!))}" r="2" fill="#1f77b4"/>`);
  else if (line.length) out.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${line.map((i) => at(c.mean, i)).join(' ')}"/>`);
  out.push(`<text x="${M.left + PW - 6}" y="${M.top + 16}" text-anchor="end" fill="#555">${escape(legend)}</text>`, '</svg>');
  return out.join('\n') + '\n';
}

function decades(lo: number, hi: number): [number, string][] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => [10 ** (lo + i), `1e${lo + i}`]);
}

function linearTicks(lo: number, hi: number): [number, string][] {
  const step = niceStep((hi - lo) / 5);
  const ticks: [number, string][] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push([v, Number(v.toPrecision(6)).toString()]);
  return ticks;
}

function stepTicks(steps: number): number[] {
  const step = Math.max(1, niceStep(steps / 6));
  const ticks = new Set([1]);
  for (let s = step; s <= steps; s += step) ticks.add(s);
  return [...ticks];
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw || 1));
  return [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
}

function hline(yy: number): string {
  return `<line x1="${M.left}" y1="${f(yy)}" x2="${M.left + PW}" y2="${f(yy)}" stroke="#ddd"/>`;
}

function f(v: number): string {
  return v.toFixed(1);
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
