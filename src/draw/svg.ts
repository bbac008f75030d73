// A chain graph as a standalone SVG figure in the style of Trainax's
// configuration showcase. The output is a pure function of the graph (no
// clock, no random ids, numbers rounded to 0.1 px), so the same configuration
// always gives the same bytes. Every element that means something carries a
// class (and data-* ids) that tests and the browser playground can query:
//   g.node.emulator|reference|residuum|loss[data-id]   one per call/loss node
//   g.node.coarse[data-id]                             a correction emulator's coarse solver
//   g.state.<kind>[data-id]                            a state dot
//   path.edge[data-from][data-to]                      one per drawn dependency,
//     + .cut[data-via] (dashed: through a stop_gradient), + .grad (cotangent flows)
//   path.stub, path.cotangent, g.legend, g.band[data-band]
import type { Graph } from '../ir/graph.js';
import type { GradFlow } from '../ir/gradflow.js';
import type { CorrectionLook, Edge, Glyph, Layout, Point, State } from './layout.js';
import { SIZE, layout } from './layout.js';

export interface SvgOptions {
  /** Replaces the graph's title line. */
  title?: string;
  /** Draw the legend (default true). */
  legend?: boolean;
  /** The emulator is a correction: its coarse solver gets a box of its own. */
  correction?: CorrectionLook;
}

const INK = '#333333';
const CUT = '#9a9a9a';
const COT = '#d62728';
const STYLE = {
  emulator: { fill: '#dbe8f6', stroke: '#1f5fa8' },
  coarse: { fill: '#e0f0f0', stroke: '#2a7f8a' },
  reference: { fill: '#dcefdc', stroke: '#2b8a2b' },
  residuum: { fill: '#ece3f6', stroke: '#7a4fb0' },
  loss: { fill: '#fff4d9', stroke: '#c98a00' },
} as const;
const DOT: Record<State['kind'], { fill: string; stroke: string }> = {
  ic: { fill: '#222222', stroke: '#222222' },
  data: { fill: '#ffffff', stroke: '#555555' },
  emulator: { fill: STYLE.emulator.stroke, stroke: STYLE.emulator.stroke },
  reference: { fill: STYLE.reference.stroke, stroke: STYLE.reference.stroke },
};
const NAME = { emulator: 'emulator fθ', coarse: 'coarse solver C', reference: 'reference stepper P', residuum: 'residuum R', loss: 'time-level loss' } as const;

export function drawSvg(graph: Graph, flow: GradFlow, opts: SvgOptions = {}): string {
  const L = layout(graph, flow, opts.title ?? graph.title, opts.correction);
  const height = opts.legend === false ? L.legendY - 4 : L.height;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="txc-draw" width="${L.width}" height="${height}" viewBox="0 0 ${L.width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="10">`,
    `<title>${esc(L.title)}</title>`,
    defs(),
    `<rect width="${L.width}" height="${height}" fill="#ffffff"/>`,
    text(14, 24, L.title, { 'font-size': 13, 'font-weight': 'bold', class: 'title', fill: '#111111' }),
    text(14, L.axisY, 'time level', { fill: '#8a8a8a', 'font-style': 'italic' }),
    ...L.columns.map((x, t) => text(x, L.axisY, String(t), { fill: '#8a8a8a', 'text-anchor': 'middle', class: 'axis' })),
  );
  for (const b of L.bands) {
    const attrs = `class="band" data-band="${esc(b.prefix)}"`;
    out.push(`<g ${attrs}>`);
    if (b.label !== undefined) {
      out.push(`<rect x="6" y="${n(b.top)}" width="${L.width - 12}" height="${n(b.bottom - b.top + 8)}" rx="6" fill="#fbfbfb" stroke="#e2e2e2"/>`);
      out.push(text(14, b.top + 17, b.label, { 'font-size': 11.5, 'font-weight': 'bold', fill: '#444444', class: 'band-label' }));
    }
    for (const r of b.rows) if (r.label) out.push(text(14, r.y + 3.5, r.label, { fill: '#8a8a8a', 'font-style': 'italic', class: 'row-label' }));
    out.push('</g>');
  }
  const kindOf = new Map(L.glyphs.map((g) => [g.id, g.kind]));
  const faded = new Set(L.glyphs.filter((g) => g.faded).map((g) => g.id));
  const arrowInto = (e: Edge) => e.stub || kindOf.get(e.to) === 'loss' || kindOf.get(e.to) === 'residuum' || kindOf.get(e.from) === 'coarse';
  out.push('<g class="edges">', ...L.edges.map((e) => edge(e, arrowInto(e), faded.has(e.to))), '</g>');
  out.push('<g class="cotangents">', ...L.edges.filter((e) => e.grad).map(cotangent), '</g>');
  out.push('<g class="junctions">', ...L.junctions.map((p) => `<circle cx="${n(p.x)}" cy="${n(p.y)}" r="1.8" fill="${INK}"/>`), '</g>');
  out.push('<g class="nodes">', ...L.glyphs.map(glyph), '</g>');
  out.push('<g class="states">', ...L.states.map(state), '</g>');
  if (opts.legend !== false) out.push(legend(L));
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function defs(): string {
  const marker = (id: string, fill: string, size: number) =>
    `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="${size}" markerHeight="${size}" orient="auto"><path d="M0,1 L9,5 L0,9 z" fill="${fill}"/></marker>`;
  return `<defs>${marker('txc-arrow', INK, 6)}${marker('txc-arrow-cut', CUT, 6)}${marker('txc-cot', COT, 7)}</defs>`;
}

function edge(e: Edge, arrowhead: boolean, faded: boolean): string {
  const pts = e.stub ? trim(e.points, 0, SIZE.dot + 0.5) : e.points;
  const arrow = arrowhead ? ` marker-end="url(#${e.cut ? 'txc-arrow-cut' : 'txc-arrow'})"` : '';
  const stroke = e.cut ? `stroke="${CUT}" stroke-dasharray="4 3"` : `stroke="${INK}"`;
  const cls = e.stub ? 'stub' : ['edge', e.cut ? 'cut' : '', e.grad ? 'grad' : ''].filter(Boolean).join(' ');
  const data = e.stub ? `data-id="${esc(e.to)}"` : `data-from="${esc(e.from)}" data-to="${esc(e.to)}"${e.via ? ` data-via="${esc(e.via)}"` : ''}`;
  return `<path class="${cls}" ${data} d="${d(pts)}" fill="none" ${stroke} stroke-width="1.2"${arrow}${faded ? ' opacity="0.45"' : ''}/>`;
}

/** The cotangent: a thin red arrow beside the primal edge, pointing back to its source. */
function cotangent(e: Edge): string {
  const back = offset(e.points, 4.5).reverse();
  const pts = trim(back, e.stub ? SIZE.dot + 3 : 2, e.stub ? 2 : SIZE.dot + 4);
  const data = `data-from="${esc(e.from)}" data-to="${esc(e.to)}"`;
  return `<path class="cotangent" ${data} d="${d(pts)}" fill="none" stroke="${COT}" stroke-width="0.9" marker-end="url(#txc-cot)"/>`;
}

function glyph(gl: Glyph): string {
  const s = STYLE[gl.kind];
  const cls = `node ${gl.kind}${gl.grad ? (gl.kind === 'reference' ? ' vjp' : ' grad') : ''}${gl.faded ? ' faded' : ''}`;
  const parts = [`<g class="${cls}" data-id="${esc(gl.id)}"${gl.faded ? ' opacity="0.45"' : ''}>`, `<title>${esc(gl.title)}</title>`];
  parts.push(glyphShape(gl.kind, gl.at, gl.kind === 'reference' && gl.grad ? COT : s.stroke));
  if (gl.weight) parts.push(text(gl.at.x + SIZE.lossR + 3, gl.at.y + 3.5, gl.weight, { fill: '#666666', 'font-size': 9.5 }));
  parts.push('</g>');
  return parts.join('');
}

function glyphShape(kind: Glyph['kind'], c: Point, stroke: string): string {
  const s = STYLE[kind];
  if (kind === 'loss')
    return `<circle cx="${n(c.x)}" cy="${n(c.y)}" r="${SIZE.lossR}" fill="${s.fill}" stroke="${s.stroke}" stroke-width="1.2"/>${text(c.x, c.y + 3.8, 'L', { 'text-anchor': 'middle', 'font-size': 10.5, fill: s.stroke, 'font-weight': 'bold' })}`;
  const { w, h } = SIZE.box;
  const rect = `<rect x="${n(c.x - w / 2)}" y="${n(c.y - h / 2)}" width="${w}" height="${h}" rx="4" fill="${s.fill}" stroke="${stroke}" stroke-width="1.2"/>`;
  const serif = `font-family="Georgia, 'Times New Roman', serif" font-style="italic" font-size="13" fill="${s.stroke}" text-anchor="middle"`;
  const label = kind === 'emulator' ? `f<tspan font-size="8.5" dy="3">θ</tspan>` : kind === 'coarse' ? 'C' : kind === 'reference' ? 'P' : 'R';
  return `${rect}<text x="${n(kind === 'emulator' ? c.x + 1 : c.x)}" y="${n(c.y + 4.5)}" ${serif}>${label}</text>`;
}

function state(s: State): string {
  const c = DOT[s.kind];
  const ly = s.labelBelow ? s.at.y + 16 : s.at.y - 8.5;
  return (
    `<g class="state ${s.kind}" data-id="${esc(s.id)}"><title>%${esc(s.id)} ${s.shape}</title><circle cx="${n(s.at.x)}" cy="${n(s.at.y)}" r="${SIZE.dot}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="1.2"/>` +
    `${text(s.at.x, ly, s.label, { 'text-anchor': 'middle', fill: '#333333' })}</g>`
  );
}

function legend(L: Layout): string {
  const kinds = new Set(L.glyphs.map((g) => g.kind));
  const names: Record<string, string> = { ...NAME, loss: `${NAME.loss} (${L.lossKinds.join(', ')})` };
  const out = [`<g class="legend" transform="translate(14 ${n(L.legendY)})">`, `<line x1="0" y1="-8" x2="${L.width - 28}" y2="-8" stroke="#e2e2e2"/>`];
  let x = 0;
  for (const k of ['emulator', 'coarse', 'reference', 'residuum', 'loss'] as const) {
    if (!kinds.has(k) && k !== 'emulator') continue;
    const c = { x: x + SIZE.box.w / 2, y: 6 };
    out.push(glyphShape(k, c, STYLE[k].stroke), text(x + SIZE.box.w + 5, 9.5, names[k]!, { fill: '#444444' }));
    x += SIZE.box.w + 18 + names[k]!.length * 5.2;
  }
  if (L.glyphs.some((g) => g.kind === 'reference' && g.grad)) {
    out.push(glyphShape('reference', { x: x + SIZE.box.w / 2, y: 6 }, COT), text(x + SIZE.box.w + 5, 9.5, 'differentiated (VJP)', { fill: '#444444' }));
  }
  const line = (x1: number, attrs: string, marker: string) => `<path d="M${x1},30 L${x1 + 30},30" fill="none" ${attrs}${marker}/>`;
  const items: [string, string][] = [
    [line(0, `stroke="${INK}" stroke-width="1.2"`, ' marker-end="url(#txc-arrow)"'), 'forward step'],
    [`<path d="M30,30 L0,30" fill="none" stroke="${COT}" stroke-width="0.9" marker-end="url(#txc-cot)"/>`, 'cotangent (gradient flows back)'],
    [line(0, `stroke="${CUT}" stroke-width="1.2" stroke-dasharray="4 3"`, ''), 'stop_gradient (cut)'],
  ];
  x = 0;
  for (const [shape, label] of items) {
    out.push(`<g transform="translate(${n(x)} 0)">${shape}${text(36, 33.5, label, { fill: '#444444' })}</g>`);
    x += 56 + label.length * 5.2;
  }
  // Every state of a chain has the initial condition's shape.
  const shape = L.states.find((s) => s.kind === 'ic')?.shape;
  if (shape) out.push(text(x, 33.5, `states ${shape}`, { fill: '#444444', class: 'state-shape' }));
  out.push('</g>');
  return out.join('');
}

/** The polyline shifted sideways (to the right of its direction, in screen coordinates). */
function offset(pts: readonly Point[], by: number): Point[] {
  const normals = pts.slice(1).map((p, i) => {
    const q = pts[i]!;
    const len = Math.hypot(p.x - q.x, p.y - q.y) || 1;
    return { x: -(p.y - q.y) / len, y: (p.x - q.x) / len };
  });
  return pts.map((p, i) => {
    const a = normals[Math.max(0, i - 1)]!;
    const b = normals[Math.min(normals.length - 1, i)]!;
    const k = by / (1 + a.x * b.x + a.y * b.y);
    return { x: p.x + (a.x + b.x) * k, y: p.y + (a.y + b.y) * k };
  });
}

/** Shortens a polyline by `a` at its start and `b` at its end. */
function trim(pts: readonly Point[], a: number, b: number): Point[] {
  const cut = (p: Point, q: Point, by: number): Point => {
    const len = Math.hypot(q.x - p.x, q.y - p.y) || 1;
    const t = Math.min(by / len, 0.45);
    return { x: p.x + (q.x - p.x) * t, y: p.y + (q.y - p.y) * t };
  };
  const out = [...pts];
  out[0] = cut(out[0]!, out[1]!, a);
  out[out.length - 1] = cut(out.at(-1)!, out.at(-2)!, b);
  return out;
}

function d(pts: readonly Point[]): string {
  return pts.map((p, i) => `${i ? 'L' : 'M'}${n(p.x)},${n(p.y)}`).join(' ');
}

function text(x: number, y: number, s: string, attrs: Record<string, string | number> = {}): string {
  const a = Object.entries(attrs).map(([k, v]) => ` ${k}="${esc(String(v))}"`).join('');
  return `<text x="${n(x)}" y="${n(y)}"${a}>${esc(s)}</text>`;
}

/** Rounded to 0.1 px, without "-0": the bytes depend on the geometry only. */
function n(v: number): string {
  const r = Math.round(v * 10) / 10;
  return String(r === 0 ? 0 : r);
}

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
