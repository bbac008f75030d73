// A rollout of 2-D fields as a figure: one row per channel, its panels the
// trajectory's initial state, then the emulator's prediction beside the
// reference at each rollout step evaluated, each row with its colour bar.
// The figure is a list of marks (images, texts, frames) in pixels, so that
// `tx train`'s SVG and the page's canvas draw the same picture and each
// writer only translates marks.
import { viridis, type Rgb } from './viridis.js';

/** One test trajectory's rollout: its first snapshot and, at a few steps, the prediction and the reference. */
export interface FieldRollout {
  /** A snapshot's shape: [channels, ...space]. */
  shape: readonly number[];
  input: Float64Array;
  steps: readonly RolloutStep[];
}

export interface RolloutStep {
  step: number;
  prediction: Float64Array;
  reference: Float64Array;
}

export type Mark =
  /** Drawn pixel for pixel at (x, y): `rgba` holds width × height pixels, row by row. */
  | { kind: 'image'; x: number; y: number; width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> }
  /** `y` is the baseline. */
  | { kind: 'text'; x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end'; size: number }
  /** A 1-pixel outline just outside the rectangle, so it covers none of an image's pixels. */
  | { kind: 'frame'; x: number; y: number; width: number; height: number };

export interface Figure {
  width: number;
  height: number;
  marks: Mark[];
}

/** A panel's longer side, at most, for grids up to this many cells (else a pixel a cell): each cell is a square of whole pixels. */
const PANEL = 128;
const GAP = 6;
const STEP_GAP = 18;
const ROW_GAP = 14;
const TOP = 64;
const BOTTOM = 10;
const BAR_GAP = 12;
const BAR = 14;
const BAR_LABELS = 64;
const SUBTITLE = 'the first test trajectory; one colour range per row, from the input and the references';
/** Not a colour of viridis: a NaN stands out. */
const NAN_RGB: Rgb = [160, 160, 160];

/**
 * The figure of a rollout whose states have two or more space axes; none for
 * a 1-D state or a state without space (the loss and nRMSE say all there is).
 * A 3-D state shows the middle slice of its first axis, and the title says so.
 */
export function fieldFigure(r: FieldRollout, title: string): Figure | undefined {
  const [channels, ...space] = r.shape as [number, ...number[]];
  if (space.length < 2) return undefined;
  const [rows, cols] = space.slice(-2) as [number, number];
  const slice = sliceOf(space);
  const scale = Math.max(1, Math.floor(PANEL / Math.max(rows, cols)));
  const [pw, ph] = [cols * scale, rows * scale];
  const left = channels > 1 ? 78 : 14;

  const panels = [{ label: 't = 0 (input)', data: r.input, truth: true, x: left }];
  let x = left + pw;
  for (const s of r.steps) {
    panels.push({ label: `prediction t = ${s.step}`, data: s.prediction, truth: false, x: x + STEP_GAP });
    panels.push({ label: `reference t = ${s.step}`, data: s.reference, truth: true, x: x + STEP_GAP + pw + GAP });
    x += STEP_GAP + 2 * pw + GAP;
  }
  const barX = x + BAR_GAP;
  const heading = slice.note ? `${title} (${slice.note})` : title;
  // Wide enough for the title lines, at a generous guess of a sans-serif letter's width.
  const width = Math.ceil(Math.max(barX + BAR + BAR_LABELS, 0.6 * 14 * heading.length + 20, 0.6 * 11 * SUBTITLE.length + 20));
  const fig: Figure = { width, height: TOP + channels * (ph + ROW_GAP) - ROW_GAP + BOTTOM, marks: [] };
  const text = (x: number, y: number, text: string, anchor: 'start' | 'middle' | 'end' = 'middle', size = 12) => fig.marks.push({ kind: 'text', x, y, text, anchor, size });

  text(fig.width / 2, 20, heading, 'middle', 14);
  text(fig.width / 2, 38, SUBTITLE, 'middle', 11);
  for (const p of panels) text(p.x + pw / 2, TOP - 8, p.label);

  const size = space.reduce((a, n) => a * n, 1);
  for (let c = 0; c < channels; c++) {
    const y = TOP + c * (ph + ROW_GAP);
    const plane = (data: Float64Array) => data.subarray(c * size + slice.offset, c * size + slice.offset + rows * cols);
    // The truth sets the range: a prediction that drifts or blows up saturates instead of washing out the reference.
    const [lo, hi] = range(panels.filter((p) => p.truth).map((p) => plane(p.data)));
    const colour = (v: number): Rgb => (Number.isNaN(v) ? NAN_RGB : viridis((v - lo) / (hi - lo)));
    if (channels > 1) text(left - 8, y + ph / 2 + 4, `channel ${c}`, 'end');
    for (const p of panels) {
      const values = plane(p.data);
      const rgba = new Uint8ClampedArray(pw * ph * 4);
      for (let py = 0; py < ph; py++)
        for (let px = 0; px < pw; px++) rgba.set([...colour(values[Math.floor(py / scale) * cols + Math.floor(px / scale)]!), 255], 4 * (py * pw + px));
      fig.marks.push({ kind: 'image', x: p.x, y, width: pw, height: ph, rgba }, { kind: 'frame', x: p.x, y, width: pw, height: ph });
    }
    fig.marks.push(colourBar(barX, y, ph), { kind: 'frame', x: barX, y, width: BAR, height: ph });
    for (const [v, ty] of [[hi, y + 4], [(lo + hi) / 2, y + ph / 2 + 4], [lo, y + ph]] as const) text(barX + BAR + 5, ty, tick(v), 'start', 11);
  }
  return fig;
}

/** Where the drawn plane starts in a channel of a snapshot: every axis but the last two at its middle. */
function sliceOf(space: readonly number[]): { offset: number; note: string } {
  const fixed = space.slice(0, -2);
  let offset = 0;
  let stride = space.slice(-2).reduce((a, n) => a * n, 1);
  for (let a = fixed.length - 1; a >= 0; a--) {
    offset += Math.floor(fixed[a]! / 2) * stride;
    stride *= fixed[a]!;
  }
  const at = fixed.map((n, a) => `axis ${a} at ${Math.floor(n / 2)} of ${n}`).join(', ');
  return { offset, note: fixed.length ? `${space.length}-D: the middle slice, ${at}` : '' };
}

/** The finite values' span; a flat or empty one is widened so that it still maps to colours. */
function range(fields: readonly Float64Array[]): [number, number] {
  let [lo, hi] = [Infinity, -Infinity];
  for (const f of fields)
    for (const v of f)
      if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - (Math.abs(lo) || 1), hi + (Math.abs(hi) || 1)];
  return [lo, hi];
}

/** The colour map from its top (the range's maximum) down, one colour per pixel row. */
function colourBar(x: number, y: number, height: number): Mark {
  const rgba = new Uint8ClampedArray(BAR * height * 4);
  for (let py = 0; py < height; py++) {
    const rgb = viridis(1 - (py + 0.5) / height);
    for (let px = 0; px < BAR; px++) rgba.set([...rgb, 255], 4 * (py * BAR + px));
  }
  return { kind: 'image', x, y, width: BAR, height, rgba };
}

function tick(v: number): string {
  const a = Math.abs(v);
  return a === 0 || (a >= 1e-3 && a < 1e4) ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}
