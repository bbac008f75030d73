// Where each part of a chain graph goes in a drawing, independent of the output
// format, so the SVG and DOT writers (and the tests) share one reading of the
// graph. The picture imitates Trainax's configuration showcase: time runs to
// the right, a column per time level; the emulator's main chain is the top row,
// data or reference states the row below it, each diverted branch gets its own
// pair of rows (emulator above, reference below), and each part of a composite
// is a band of its own. Bands and rows are read off the roles that
// src/passes/lower.ts gives chain values (ir/role.ts); columns off the data
// flow (a step adds one level).
import type { Graph, Node } from '../ir/graph.js';
import { nodeMap, shapeText } from '../ir/graph.js';
import type { GradFlow } from '../ir/gradflow.js';
import type { CallFn } from '../ir/op-attrs.js';
import type { ChainRole } from '../ir/role.js';

export interface Point {
  readonly x: number;
  readonly y: number;
}
export type GlyphKind = 'emulator' | 'coarse' | 'reference' | 'residuum' | 'loss';
export type StateKind = 'ic' | 'data' | 'emulator' | 'reference';

/** A state (a tensor at a time level), drawn as a dot. Shared inputs appear once per band. */
export interface State {
  readonly id: string;
  readonly band: string;
  /** The diverted branch it belongs to, if any. */
  readonly branch?: number;
  readonly kind: StateKind;
  readonly label: string;
  /** Its shape, as the IR prints it (f32[B,1,12,12]). */
  readonly shape: string;
  readonly at: Point;
  readonly labelBelow: boolean;
}
/**
 * A call or a loss: one per `call`/`loss` node of the graph, and for a
 * correction emulator a second one, its coarse solver (id `<call>.coarse`).
 */
export interface Glyph {
  readonly id: string;
  readonly band: string;
  readonly branch?: number;
  readonly kind: GlyphKind;
  readonly label: string;
  readonly at: Point;
  /** The node's IR line, for a tooltip. */
  readonly title: string;
  /** Emulator/residuum/loss: its value's cotangent is nonzero; reference: the backward needs its VJP. */
  readonly grad: boolean;
  /** A loss's weight within its band, when the band's weights are not all 1. */
  readonly weight?: string;
  /** A loss whose weight is 0: computed, but no gradient comes from it. */
  readonly faded: boolean;
}
/**
 * One data dependency `from → to` (with `from` seen through a stop_gradient
 * `via`), or a call's stub from its glyph to the state it produces.
 */
export interface Edge {
  readonly band: string;
  readonly from: string;
  readonly to: string;
  readonly via?: string;
  readonly points: readonly Point[];
  readonly cut: boolean;
  /** The cotangent flows back along this edge. */
  readonly grad: boolean;
  readonly stub: boolean;
}
export interface Band {
  readonly prefix: string;
  /** A composite part's weight and text; absent for a plain configuration. */
  readonly label?: string;
  readonly top: number;
  readonly bottom: number;
  readonly rows: readonly { readonly label: string; readonly y: number }[];
}
export interface Layout {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  /** x of each time level, from 0. */
  readonly columns: readonly number[];
  readonly axisY: number;
  readonly bands: readonly Band[];
  readonly states: readonly State[];
  readonly glyphs: readonly Glyph[];
  readonly edges: readonly Edge[];
  /** Where a branch's reference path leaves the trunk it shares with the emulator path. */
  readonly junctions: readonly Point[];
  readonly legendY: number;
  /** The loss kinds used (mse, …), for the legend. */
  readonly lossKinds: readonly string[];
}

/**
 * A correction emulator (`emulator correction { … }`): its coarse solver is a
 * box of its own beside the net, since a picture with one fθ would hide the
 * solver every step runs. sequential: u → C → fθ; parallel: C above fθ, both
 * into the step's state (their sum).
 */
export interface CorrectionLook {
  mode: 'sequential' | 'parallel';
  /** The coarse solver in words, for its tooltip. */
  coarse: string;
}

export const SIZE = { left: 104, col: 104, right: 56, box: { w: 24, h: 18 }, lossR: 9, dot: 4 } as const;
const LABEL: Record<CallFn, string> = { emulator: 'f', reference: 'P', residuum: 'R' };

export function layout(g: Graph, flow: GradFlow, title = g.title, correction?: CorrectionLook): Layout {
  const byId = nodeMap(g);
  const origin = (id: string): Node => {
    let n = byId.get(id)!;
    while (n.op === 'stop_gradient') n = byId.get(n.inputs[0]!)!;
    return n;
  };
  const level = new Map<string, number>();
  for (const n of g.nodes) {
    const m = Math.max(0, ...n.inputs.map((i) => level.get(i) ?? 0));
    const step = n.op === 'call' && n.attrs.fn !== 'residuum' ? 1 : 0;
    level.set(n.id, n.op === 'input' ? (n.attrs.name === 'target' ? n.attrs.t : 0) : m + step);
  }
  const drawn = g.nodes.filter((n) => n.op === 'call' || n.op === 'loss');
  // A band per composite part, keyed by the part's name prefix (c1.c2.), in order of appearance.
  const parts = new Map(drawn.map((n) => chainRole(n).part).map((part) => [bandOf(part), part]));
  const composite = [...parts.keys()].some((p) => p !== '');
  const global = weightsFrom(g, g.outputs[0]!);
  const columns = Array.from({ length: Math.max(1, ...level.values()) + 1 }, (_, t) => SIZE.left + t * SIZE.col);

  const states: State[] = [];
  const glyphs: Glyph[] = [];
  const edges: Edge[] = [];
  const junctions: Point[] = [];
  const bands: Band[] = [];
  let top = 58;
  for (const [p, part] of parts) {
    const mine = drawn.filter((n) => bandOf(chainRole(n).part) === p);
    const local = (n: Node) => n.id.slice(bandOf(chainRole(n).part).length);
    const used = new Set<Node>([...mine, ...mine.flatMap((n) => n.inputs.map(origin))]);
    const fromReference = [...used].some((n) => n.op === 'call' && rowKey(n) === 'data');
    const rowYs = rowPositions([...used].map(rowKey), fromReference ? 'reference' : 'data');
    const y0 = top + (composite ? 40 : 16);
    const y = (n: Node) => y0 + rowYs.get(rowKey(n))!.y;
    const at = new Map<string, Point>();
    const pos = (id: string): Point => {
      const q = at.get(id);
      if (!q) throw new Error(`draw: %${id} has no place in the drawing (only chain graphs can be drawn)`);
      return q;
    };
    for (const n of used) {
      const kind = stateKind(n);
      if (kind) {
        const key = rowKey(n);
        const pt = { x: columns[level.get(n.id)!]!, y: y(n) };
        at.set(n.id, pt);
        states.push({ id: n.id, band: p, ...branchOf(n), kind, label: local(n), shape: shapeText(n.shape), at: pt, labelBelow: key === 'data' || key.startsWith('br') });
      }
    }
    const partLoss = lossOf(g, part);
    const bandWeights = weightsFrom(g, partLoss ?? g.outputs[0]!);
    const lossWeights = mine.filter((n) => n.op === 'loss').map((n) => bandWeights.get(n.id) ?? 0);
    const showWeights = lossWeights.some((w) => w !== 1);
    const edge = (input: string, to: string, points: Point[]) => {
      const from = origin(input).id;
      const via = byId.get(input)!.op === 'stop_gradient' ? input : undefined;
      const grad = !via && flow.grad.has(from) && flow.grad.has(to);
      edges.push({ band: p, from, to, ...(via ? { via } : {}), points, cut: via !== undefined, grad, stub: false });
    };
    for (const n of mine) {
      const base = { id: n.id, band: p, ...branchOf(n), title: irLine(n), faded: false };
      if (n.op === 'call' && n.attrs.fn !== 'residuum') {
        const { fn } = n.attrs;
        const I = pos(origin(n.inputs[0]!).id);
        const O = pos(n.id);
        const key = rowKey(n);
        const elbow = key.startsWith('b') && I.y !== O.y;
        const centre = elbow ? { x: (I.x + O.x) / 2, y: O.y } : mid(I, O);
        const split = fn === 'emulator' && correction ? correctionBoxes(centre, correction.mode) : undefined;
        const c = split?.net ?? centre;
        glyphs.push({ ...base, kind: fn, label: LABEL[fn], at: c, grad: fn === 'reference' ? flow.vjp.has(n.id) : flow.grad.has(n.id) });
        let start = I;
        const trunk = `bu${key.slice(2)}`;
        if (elbow && key.startsWith('br') && rowYs.has(trunk)) {
          start = { x: I.x, y: y0 + rowYs.get(trunk)!.y };
          junctions.push(start);
        }
        const corner = elbow ? [start, { x: I.x, y: O.y }] : [start];
        if (split && correction) {
          const id = `${n.id}.coarse`;
          const grad = flow.grad.has(n.id);
          glyphs.push({ ...base, id, kind: 'coarse', label: 'C', at: split.coarse, title: `${correction.coarse}: the coarse solver of ${irLine(n)}`, grad });
          edge(n.inputs[0]!, id, [...corner, boxEdge(split.coarse, corner.at(-1)!)]);
          if (correction.mode === 'sequential') edges.push({ band: p, from: id, to: n.id, points: [boxEdge(split.coarse, c), boxEdge(c, split.coarse)], cut: false, grad, stub: false });
          else {
            edge(n.inputs[0]!, n.id, [...corner, boxEdge(c, corner.at(-1)!)]);
            edges.push({ band: p, from: id, to: id, points: [boxEdge(split.coarse, O), O], cut: false, grad, stub: true });
          }
        } else edge(n.inputs[0]!, n.id, [...corner, boxEdge(c, corner.at(-1)!)]);
        edges.push({ band: p, from: n.id, to: n.id, points: [boxEdge(c, O), O], cut: false, grad: flow.grad.has(n.id), stub: true });
      } else if (n.op === 'call') {
        const ins = n.inputs.map((i) => pos(origin(i).id));
        const c = { x: Math.max(...ins.map((q) => q.x)), y: y(n) };
        at.set(n.id, c);
        glyphs.push({ ...base, kind: 'residuum', label: LABEL.residuum, at: c, grad: flow.grad.has(n.id) });
        n.inputs.forEach((i, k) => edge(i, n.id, [ins[k]!, boxEdge(c, ins[k]!)]));
      } else {
        const srcs = n.inputs.map((i) => origin(i));
        const ins = srcs.map((s) => pos(s.id));
        const c = ins.length >= 2 ? mid(ins[0]!, ins[1]!) : { x: ins[0]!.x, y: ins[0]!.y + 46 };
        const w = bandWeights.get(n.id) ?? 0;
        const weight = showWeights ? { weight: `×${fmtWeight(w)}` } : {};
        glyphs.push({ ...base, kind: 'loss', label: 'L', at: c, grad: flow.grad.has(n.id), faded: (global.get(n.id) ?? 0) === 0, ...weight });
        srcs.forEach((s, k) => {
          const from = s.op === 'call' && s.attrs.fn === 'residuum' ? boxEdge(ins[k]!, c) : ins[k]!;
          edge(n.inputs[k]!, n.id, [from, circleEdge(c, from)]);
        });
      }
    }
    const maxRow = Math.max(...[...rowYs.values()].map((r) => r.y + r.below));
    const label = composite ? `${fmtWeight(partLoss === undefined ? 0 : (global.get(partLoss) ?? 0))} × ${partText(g.title, part) ?? `part ${p.slice(0, -1)}`}` : undefined;
    const rows = [...rowYs.values()].map((r) => ({ label: r.label, y: y0 + r.y }));
    bands.push({ prefix: p, ...(label ? { label } : {}), top, bottom: y0 + maxRow, rows });
    top = y0 + maxRow + 18;
  }
  const contentW = columns.at(-1)! + SIZE.right;
  const width = Math.ceil(Math.max(contentW, 24 + title.length * 6.8, 600));
  const lossKinds = [...new Set(drawn.flatMap((n) => (n.op === 'loss' ? [n.attrs.kind] : [])))];
  return { title, width, height: top + 58, columns, axisY: 44, bands, states, glyphs, edges, junctions, legendY: top + 14, lossKinds };
}

/** A drawn value's role: every value of a chain graph has one (lower.ts). */
function chainRole(n: Node): ChainRole {
  const r = n.role;
  if (r === undefined || r.kind === 'parameter' || r.kind === 'cotangent') throw new Error(`draw: %${n.id} has no place in the drawing (only chain graphs can be drawn)`);
  return r;
}

/** The state a value is drawn as: an input, or a step's result (not a residual). */
function stateKind(n: Node): StateKind | undefined {
  if (n.op === 'input') return n.attrs.name === 'ic' ? 'ic' : 'data';
  if (n.op !== 'call') return undefined;
  switch (n.attrs.fn) {
    case 'emulator':
    case 'reference':
      return n.attrs.fn;
    case 'residuum':
      return undefined;
    default:
      return n.attrs.fn satisfies never;
  }
}

/** A band's key: its composite part as the prefix of its names (c1.c2.), '' outside a composite. */
function bandOf(part: readonly number[]): string {
  return part.map((i) => `c${i}.`).join('');
}

function branchOf(n: Node): { branch?: number } {
  const { branch } = chainRole(n);
  return branch === undefined ? {} : { branch };
}

/**
 * The row of a value: its branch's pair (bu<t> the emulator's, br<t> the
 * reference's), the residuum's, the data or reference row, or the main chain.
 */
function rowKey(n: Node): string {
  const r = chainRole(n);
  if (r.branch !== undefined) return `${r.kind === 'reference' ? 'br' : 'bu'}${r.branch}`;
  if (r.kind === 'residual') return 'resid';
  return r.kind === 'reference' ? 'data' : 'main';
}

/** The weighted sum of a composite part's losses (of the whole configuration for []). */
function lossOf(g: Graph, part: readonly number[]): string | undefined {
  const same = (r: ChainRole) => r.branch === undefined && r.part.length === part.length && r.part.every((x, i) => x === part[i]);
  return g.nodes.find((n) => n.op === 'weighted_sum' && n.role?.kind === 'loss' && same(n.role))?.id;
}

interface RowPos {
  label: string;
  y: number;
  /** Room needed below the row's centre line (labels, a residuum's loss). */
  below: number;
}

/**
 * Main chain first, then data/reference or residuum, then branches with the
 * latest branch nearest the main chain: a branch leaving at level t drops
 * vertically at column t, which the later branches (starting right of t)
 * leave free.
 */
function rowPositions(keys: string[], dataLabel: string): Map<string, RowPos> {
  const have = new Set(keys);
  const rows = new Map<string, RowPos>([['main', { label: 'main chain', y: 0, below: 12 }]]);
  if (have.has('data')) rows.set('data', { label: dataLabel, y: 76, below: 22 });
  if (have.has('resid')) rows.set('resid', { label: 'residuum', y: 62, below: 62 });
  const branches = [...new Set(keys.filter((k) => k.startsWith('b')).map((k) => Number(k.slice(2))))].sort((a, b) => b - a);
  let y = 0;
  for (const s of branches) {
    rows.set(`bu${s}`, { label: `branch ${s}`, y: (y += 60), below: 12 });
    rows.set(`br${s}`, { label: '', y: (y += 76), below: 22 });
  }
  return rows;
}

function weightsFrom(g: Graph, root: string): Map<string, number> {
  const w = new Map<string, number>([[root, 1]]);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    const wn = w.get(n.id);
    if (wn === undefined || n.op !== 'weighted_sum') continue;
    n.inputs.forEach((x, k) => w.set(x, (w.get(x) ?? 0) + wn * n.attrs.weights[k]!));
  }
  return w;
}

/** The text of a composite's part, found by its part numbers in the configuration's text. */
function partText(title: string, part: readonly number[]): string | undefined {
  let text: string | undefined = title;
  for (const i of part) text = text === undefined ? undefined : compositeParts(text)[i - 1];
  return text;
}

function compositeParts(text: string): string[] {
  const open = text.search(/\bcomposite\s*\{/);
  if (open < 0) return [];
  const inner = text.slice(text.indexOf('{', open) + 1, text.lastIndexOf('}'));
  const starts: { at: number; body: number }[] = [];
  let depth = 0;
  for (const m of inner.matchAll(/[{}]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*\*/g)) {
    if (m[0] === '{') depth++;
    else if (m[0] === '}') depth--;
    else if (depth === 0) starts.push({ at: m.index, body: m.index + m[0].length });
  }
  return starts.map((s, i) => inner.slice(s.body, starts[i + 1]?.at ?? inner.length).trim());
}

function fmtWeight(w: number): string {
  return String(Number(w.toPrecision(6)));
}

function irLine(n: Node<'call' | 'loss'>): string {
  const args = n.inputs.map((i) => `%${i}`).join(', ');
  const what = n.op === 'call' ? `call ${n.attrs.fn}` : `loss ${n.attrs.kind}`;
  return `%${n.id} = ${what}(${args})`;
}

function mid(a: Point, b: Point): Point {
  return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
}

/** A correction's two boxes around the step's centre: side by side (sequential) or the coarse one above (parallel). */
function correctionBoxes(c: Point, mode: CorrectionLook['mode']): { coarse: Point; net: Point } {
  const { w, h } = SIZE.box;
  if (mode === 'sequential') return { coarse: { x: c.x - w / 2 - 4, y: c.y }, net: { x: c.x + w / 2 + 4, y: c.y } };
  return { coarse: { x: c.x, y: c.y - h - 4 }, net: c };
}

/** Where the segment from a box's centre towards p leaves the box. */
function boxEdge(c: Point, p: Point): Point {
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  const t = Math.min(dx ? SIZE.box.w / 2 / Math.abs(dx) : Infinity, dy ? SIZE.box.h / 2 / Math.abs(dy) : Infinity);
  return { x: c.x + dx * t, y: c.y + dy * t };
}

function circleEdge(c: Point, p: Point): Point {
  const d = Math.hypot(p.x - c.x, p.y - c.y) || 1;
  return { x: c.x + ((p.x - c.x) / d) * SIZE.lossR, y: c.y + ((p.y - c.y) / d) * SIZE.lossR };
}
