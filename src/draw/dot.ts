// The same drawing as Graphviz DOT, for people who want Graphviz to place the
// nodes (or to paste into another tool). It reads the shared layout, so it
// shows exactly what the SVG shows: one node per state (per band), one per
// call and loss, one edge per drawn dependency and per call's output; cut
// edges are `style=dashed color=gray`; edges that carry a cotangent are drawn
// as a black line with a red one beside it. Graphviz does its own placement:
// only the grouping (a cluster per composite part and per diverted branch) and
// the time levels (states of one level share a rank) are imposed.
import type { Graph } from '../ir/graph.js';
import type { GradFlow } from '../ir/gradflow.js';
import type { CorrectionLook, Glyph, State } from './layout.js';
import { layout } from './layout.js';

const LOOK = {
  emulator: 'shape=box style="rounded,filled" fillcolor="#dbe8f6" color="#1f5fa8" fontcolor="#1f5fa8" label=<<I>f</I><SUB>θ</SUB>>',
  coarse: 'shape=box style="rounded,filled" fillcolor="#e0f0f0" color="#2a7f8a" fontcolor="#2a7f8a" label=<<I>C</I>>',
  reference: 'shape=box style="rounded,filled" fillcolor="#dcefdc" color="#2b8a2b" fontcolor="#2b8a2b" label=<<I>P</I>>',
  residuum: 'shape=box style="rounded,filled" fillcolor="#ece3f6" color="#7a4fb0" fontcolor="#7a4fb0" label=<<I>R</I>>',
  loss: 'shape=circle fixedsize=true width=0.3 style=filled fillcolor="#fff4d9" color="#c98a00" fontcolor="#c98a00" label="L"',
} as const;
const DOT_FILL: Record<State['kind'], string> = { ic: '#222222', data: '#ffffff', emulator: '#1f5fa8', reference: '#2b8a2b' };

/** `correction`: the emulator is a correction, whose coarse solver gets a node of its own. */
export function drawDot(graph: Graph, flow: GradFlow, title = graph.title, correction?: CorrectionLook): string {
  const L = layout(graph, flow, title, correction);
  const stateIds = new Set(L.states.map((s) => `${s.band}:${s.id}`));
  const stateKey = (band: string, id: string) => q(`s:${band}:${id}`);
  const glyphKey = (id: string) => q(`n:${id}`);
  const out = [
    'digraph txc {',
    `  graph [rankdir=LR newrank=true fontname="Helvetica" fontsize=13 labelloc=t labeljust=l label=${q(L.title)} nodesep=0.3 ranksep=0.35];`,
    '  node [fontname="Helvetica" fontsize=10 height=0.3];',
    '  edge [arrowsize=0.6 color="#333333"];',
  ];
  const composite = L.bands.some((b) => b.label !== undefined);
  L.bands.forEach((band, bi) => {
    const pad = composite ? '    ' : '  ';
    if (composite) out.push(`  subgraph cluster_part${bi} {`, `    label=${q(band.label ?? band.prefix)}; style=rounded; color="#cccccc";`);
    const states = L.states.filter((s) => s.band === band.prefix);
    const glyphs = L.glyphs.filter((g) => g.band === band.prefix);
    const branches = [...new Set([...states, ...glyphs].map((x) => x.branch).filter((b) => b !== undefined))];
    const stateLine = (s: State) => `${stateKey(band.prefix, s.id)} [class="state ${s.kind}" shape=ellipse height=0.26 margin="0.04,0.02" fontsize=9 label=${q(s.label)} color=${q(DOT_FILL[s.kind] === '#ffffff' ? '#555555' : DOT_FILL[s.kind])}];`;
    const glyphLine = (g: Glyph) => `${glyphKey(g.id)} [class=${q(`node ${g.kind}`)} id=${q(g.id)} tooltip=${q(g.title)} ${LOOK[g.kind]}${g.weight ? ` xlabel=${q(g.weight)}` : ''}${g.faded ? ' fontcolor="#aaaaaa" color="#dddddd"' : ''}];`;
    for (const s of states) if (s.branch === undefined) out.push(pad + stateLine(s));
    for (const g of glyphs) if (g.branch === undefined) out.push(pad + glyphLine(g));
    for (const b of branches) {
      out.push(`${pad}subgraph cluster_part${bi}_b${b} {`, `${pad}  label="branch ${b}"; style=dashed; color="#dddddd";`);
      for (const s of states) if (s.branch === b) out.push(`${pad}  ${stateLine(s)}`);
      for (const g of glyphs) if (g.branch === b) out.push(`${pad}  ${glyphLine(g)}`);
      out.push(`${pad}}`);
    }
    // States of one time level line up, as the columns of the SVG do.
    const levels = new Map<number, string[]>();
    for (const s of states) {
      const t = L.columns.indexOf(s.at.x);
      levels.set(t, [...(levels.get(t) ?? []), stateKey(band.prefix, s.id)]);
    }
    for (const t of [...levels.keys()].sort((a, b) => a - b)) out.push(`${pad}{ rank=same; ${levels.get(t)!.join('; ')}; }`);
    if (composite) out.push('  }');
  });
  for (const e of L.edges) {
    const from = e.stub || !stateIds.has(`${e.band}:${e.from}`) ? glyphKey(e.from) : stateKey(e.band, e.from);
    const to = e.stub ? stateKey(e.band, e.to) : glyphKey(e.to);
    const cls = e.stub ? 'stub' : ['edge', e.cut ? 'cut' : '', e.grad ? 'grad' : ''].filter(Boolean).join(' ');
    const look = e.cut ? ' style=dashed color=gray' : e.grad ? ' color="#333333:#d62728"' : '';
    const via = e.via ? ` tooltip=${q(`through %${e.via}`)}` : '';
    out.push(`  ${from} -> ${to} [class=${q(cls)}${look}${via}];`);
  }
  out.push('}');
  return out.join('\n') + '\n';
}

/** A DOT string literal. */
function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
