// The drawing says exactly what the graph says: one glyph per call and loss,
// one dashed edge per stop_gradient → consumer dependency, a cotangent where
// gradflow says one flows. Checked on the parsed SVG (fast-xml-parser), so a
// drawing that only looks right does not pass.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { drawDot } from '../../src/draw/dot.js';
import { layout } from '../../src/draw/layout.js';
import { drawSvg } from '../../src/draw/svg.js';
import { frontend } from '../../src/frontend.js';
import type { Graph } from '../../src/ir/graph.js';
import type { GradFlow } from '../../src/ir/gradflow.js';

const HEADER = `data advection1d { points 30 trajectories 20 snapshots 100 cfl -0.75 }
emulator conv1d { channels 1 -> 1 kernel 2 padding circular bias false }
reference advection1d { cfl -0.75 method spectral }
residuum r(next, prev) = next - prev + c * (prev - shift(prev, 1)) where c = 0.5
`;

const CASES = [
  'supervised rollout 3',
  'supervised rollout 4 cut_bptt every 2',
  'supervised rollout 3 weights [0, 0, 1]',
  'diverted_one rollout 2 cut_bptt cut_div_chain',
  'diverted rollout 3 branch 2',
  'diverted rollout 4 branch 2 cut_bptt cut_div_chain',
  'mix rollout 1 post_physics 2',
  'mix chain [emulator 2, reference 1, emulator 1] cut_bptt',
  'residuum rollout 3 cut_bptt',
  'residuum rollout 2 cut_prev cut_next',
  'teacher_forcing rollout 4 reset every 2 cut_bptt',
  'composite { 0.7 * supervised rollout 1  0.3 * diverted rollout 3 branch 1 }',
  // Both parts cut the same %ic: one stop_gradient node, a dashed edge in each band.
  'composite { 0.5 * diverted rollout 2 branch 1 cut_div_chain loss mse  0.5 * diverted rollout 2 branch 2 cut_div_chain }',
  'composite { 0.5 * composite { 0.5 * supervised rollout 1  0.5 * residuum rollout 2 } 0.5 * mix rollout 1 post_physics 1 }',
];

function program(config: string): { graph: Graph; flow: GradFlow } {
  const fe = frontend(`${HEADER}config ${config}\n`, 'draw.tx');
  expect(fe.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(fe.programs).toHaveLength(1);
  return fe.programs[0]!;
}

interface El {
  tag: string;
  attrs: Record<string, string>;
  classes: string[];
}

function parseSvg(svg: string): El[] {
  expect(XMLValidator.validate(svg)).toBe(true);
  const tree = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseAttributeValue: false }).parse(svg);
  const out: El[] = [];
  const walk = (node: unknown, tag: string) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, tag));
    if (!node || typeof node !== 'object') return;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k.startsWith('@_')) attrs[k.slice(2)] = String(v);
      else if (k !== '#text') walk(v, k);
    }
    out.push({ tag, attrs, classes: (attrs['class'] ?? '').split(/\s+/).filter(Boolean) });
  };
  walk(tree, '');
  return out;
}

const has = (...cls: string[]) => (e: El) => cls.every((c) => e.classes.includes(c));
const sorted = (xs: string[]) => [...xs].sort();

/** What the graph says the drawing must show. */
function expected(g: Graph, flow: GradFlow) {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const ids = (pred: (n: Graph['nodes'][number]) => boolean) => sorted(g.nodes.filter(pred).map((n) => n.id));
  const drawn = g.nodes.filter((n) => n.op === 'call' || n.op === 'loss');
  const cuts: string[] = [];
  const grads: string[] = [];
  for (const n of drawn)
    for (const i of n.inputs) {
      if (byId.get(i)!.op === 'stop_gradient') cuts.push(`${i}->${n.id}`);
      else if (flow.grad.has(i) && flow.grad.has(n.id)) grads.push(`${i}->${n.id}`);
    }
  const call = (fn: string) => ids((n) => n.op === 'call' && n.attrs['fn'] === fn);
  return {
    emulator: call('emulator'),
    reference: call('reference'),
    residuum: call('residuum'),
    loss: ids((n) => n.op === 'loss'),
    cuts: sorted(cuts),
    grads: sorted(grads),
    // Each emulator/reference call: its input edge and its stub to the state it makes.
    dotEdges: drawn.reduce((k, n) => k + n.inputs.length + (n.op === 'call' && n.attrs['fn'] !== 'residuum' ? 1 : 0), 0),
    sgIds: ids((n) => n.op === 'stop_gradient'),
  };
}

describe('SVG', () => {
  test.each(CASES)('%s: glyphs, cut edges and cotangents match the graph', (config) => {
    const { graph, flow } = program(config);
    const want = expected(graph, flow);
    const els = parseSvg(drawSvg(graph, flow));
    const ids = (...cls: string[]) => sorted(els.filter(has(...cls)).map((e) => e.attrs['data-id']!));
    for (const kind of ['emulator', 'reference', 'residuum', 'loss'] as const) expect(ids('node', kind), kind).toEqual(want[kind]);
    const edges = els.filter(has('edge'));
    const cut = edges.filter(has('cut'));
    expect(sorted(cut.map((e) => `${e.attrs['data-via']}->${e.attrs['data-to']}`))).toEqual(want.cuts);
    for (const e of edges) expect(e.attrs['stroke-dasharray'] !== undefined, e.attrs['data-to']).toBe(e.classes.includes('cut'));
    expect(sorted(edges.filter(has('grad')).map((e) => `${e.attrs['data-from']}->${e.attrs['data-to']}`))).toEqual(want.grads);
    // A stop_gradient is an edge style, never a node of its own.
    for (const sg of want.sgIds) expect(els.some((e) => e.attrs['data-id'] === sg)).toBe(false);
    const title = els.find((e) => e.classes.includes('title'));
    expect(title).toBeDefined();
  });

  test.each(CASES)('%s: nothing sits on top of anything else', (config) => {
    const { graph, flow } = program(config);
    const L = layout(graph, flow);
    const spots = [...L.glyphs.map((g) => ({ id: g.id, at: g.at })), ...L.states.map((s) => ({ id: `${s.band}:${s.id}`, at: s.at }))];
    for (let i = 0; i < spots.length; i++)
      for (let j = i + 1; j < spots.length; j++) {
        const [a, b] = [spots[i]!, spots[j]!];
        expect(Math.hypot(a.at.x - b.at.x, a.at.y - b.at.y), `${a.id} vs ${b.id}`).toBeGreaterThanOrEqual(30);
      }
    for (const s of [...L.states.map((s) => s.at), ...L.glyphs.map((g) => g.at)]) {
      expect(s.x).toBeGreaterThan(0);
      expect(s.x).toBeLessThan(L.width);
      expect(s.y).toBeLessThan(L.legendY);
    }
  });

  test('cut_bptt every 2 cuts once, between u2 and the step to u3', () => {
    const { graph, flow } = program('supervised rollout 4 cut_bptt every 2');
    const cut = parseSvg(drawSvg(graph, flow)).filter(has('edge', 'cut'));
    expect(cut.map((e) => [e.attrs['data-from'], e.attrs['data-via'], e.attrs['data-to']])).toEqual([['u2', 'u2_sg', 'u3']]);
  });

  test('a differentiated reference stepper and zero-weight losses are marked', () => {
    const mix = program('mix rollout 1 post_physics 2');
    expect(parseSvg(drawSvg(mix.graph, mix.flow)).filter(has('node', 'reference', 'vjp'))).toHaveLength(2);
    const last = program('supervised rollout 3 weights [0, 0, 1]');
    const faded = parseSvg(drawSvg(last.graph, last.flow)).filter(has('node', 'loss', 'faded'));
    expect(faded.map((e) => e.attrs['data-id'])).toEqual(['l1', 'l2']);
  });

  test('a composite draws each part as a band labelled with its weight and text', () => {
    const { graph, flow } = program('composite { 0.7 * supervised rollout 1  0.3 * diverted rollout 3 branch 1 }');
    expect(layout(graph, flow).bands.map((b) => b.label)).toEqual(['0.7 × supervised rollout 1', '0.3 × diverted rollout 3 branch 1']);
    const nested = program(CASES.at(-1)!);
    expect(layout(nested.graph, nested.flow).bands.map((b) => b.label)).toEqual([
      '0.25 × supervised rollout 1',
      '0.25 × residuum rollout 2',
      '0.5 × mix rollout 1 post_physics 1',
    ]);
  });

  test('the same graph gives the same bytes', () => {
    for (const config of CASES) {
      const a = program(config);
      const b = program(config);
      expect(drawSvg(a.graph, a.flow)).toBe(drawSvg(b.graph, b.flow));
      expect(drawDot(a.graph, a.flow)).toBe(drawDot(b.graph, b.flow));
    }
  });

  test('text is escaped', () => {
    const { graph, flow } = program('supervised rollout 1');
    const svg = drawSvg(graph, flow, { title: `a < b & "c" 'd'` });
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('a &lt; b &amp; &quot;c&quot; &apos;d&apos;');
  });
});

describe('DOT', () => {
  /** The DOT text with its quoted strings and HTML-like labels blanked, so braces and arrows count. */
  const bare = (dot: string) => dot.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/<<.*?>>/g, '<>');

  test.each(CASES)('%s: clusters, edges and dashed cuts', (config) => {
    const { graph, flow } = program(config);
    const want = expected(graph, flow);
    const dot = drawDot(graph, flow);
    const text = bare(dot);
    let depth = 0;
    for (const ch of text) {
      depth += ch === '{' ? 1 : ch === '}' ? -1 : 0;
      expect(depth).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toBe(0);
    expect(text).toMatch(/^digraph txc \{/);
    expect(text).toContain('rankdir=LR');
    const edges = text.split('\n').filter((l) => l.includes('->'));
    expect(edges.every((l) => l.split('->').length === 2)).toBe(true);
    expect(edges).toHaveLength(want.dotEdges);
    expect(dot.split('\n').filter((l) => l.includes('style=dashed color=gray'))).toHaveLength(want.cuts.length);
    const branches = new Set(graph.nodes.map((n) => /^((?:c\d+\.)*b\d+)\./.exec(n.id)?.[1]).filter(Boolean));
    const parts = layout(graph, flow).bands.filter((b) => b.label !== undefined).length;
    expect(text.match(/subgraph cluster_/g) ?? []).toHaveLength(parts + branches.size);
  });
});

describe('shapes', () => {
  test('every state says its shape on hover, and the legend says the states\' shape, here a 2-D field', () => {
    const fe = frontend(`data advection { dims 2 points 12 trajectories 4 snapshots 10 cfl -0.375 }
emulator conv { channels 1 -> 1 kernel 2 padding circular bias false }
config supervised rollout 2
`, 'spec.tx');
    const [p] = fe.programs;
    const svg = drawSvg(p!.graph, p!.flow);
    expect(svg).toMatch(/>states f32\[B,1,12,12\]<\/text>/);
    const titles = [...svg.matchAll(/<g class="state [a-z]+" data-id="([^"]+)"><title>%([^ ]+) ([^<]+)<\/title>/g)];
    expect(titles.map((m) => m[1]).sort()).toEqual(['ic', 'u1', 'u2', 'y1', 'y2']);
    for (const [, id, named, shape] of titles) {
      expect(named).toBe(id);
      expect(shape).toBe('f32[B,1,12,12]');
    }
  });
});
