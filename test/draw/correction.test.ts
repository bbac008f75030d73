// A correction emulator drawn with its coarse solver as a box of its own:
// sequential, C then fθ on the step's path; parallel, C above fθ, both into
// the step's state. One C per emulator call, and the SVG and DOT carry it.
import { describe, expect, test } from 'vitest';
import { drawDot } from '../../src/draw/dot.js';
import { layout, SIZE, type CorrectionLook } from '../../src/draw/layout.js';
import { drawSvg } from '../../src/draw/svg.js';
import { frontend } from '../../src/frontend.js';

const SPEC = `data advection1d { points 30  trajectories 20  snapshots 100  cfl -0.75 }
emulator correction { mode MODE  coarse advection1d { cfl -0.5  method upwind }  net conv1d { channels 1 -> 4 -> 1  kernel 3 } }
config supervised rollout 2
`;

function drawn(mode: CorrectionLook['mode']) {
  const fe = frontend(SPEC.replace('MODE', mode), 'corr.tx');
  expect(fe.diagnostics).toEqual([]);
  const { graph, flow } = fe.programs[0]!;
  const look: CorrectionLook = { mode, coarse: 'coarse advection1d (upwind)' };
  return { graph, flow, look, L: layout(graph, flow, graph.title, look) };
}

describe('tx draw of a correction emulator', () => {
  test('sequential: C beside each fθ, joined by an arrow, the input into C', () => {
    const { L, graph, flow, look } = drawn('sequential');
    const calls = graph.nodes.filter((n) => n.op === 'call' && n.attrs.fn === 'emulator').map((n) => n.id);
    expect(calls).toEqual(['u1', 'u2']);
    for (const id of calls) {
      const net = L.glyphs.find((g) => g.id === id)!;
      const coarse = L.glyphs.find((g) => g.id === `${id}.coarse`)!;
      expect(coarse).toMatchObject({ kind: 'coarse', label: 'C', title: `coarse advection1d (upwind): the coarse solver of ${coarse.title.split('of ')[1]}` });
      expect(coarse.at.y).toBe(net.at.y);
      expect(net.at.x - coarse.at.x).toBe(SIZE.box.w + 8);
      expect(L.edges.filter((e) => e.from === `${id}.coarse` && e.to === id && !e.stub)).toHaveLength(1);
      expect(L.edges.filter((e) => e.to === `${id}.coarse`)).toHaveLength(1);
    }
    const svg = drawSvg(graph, flow, { correction: look });
    expect(svg.match(/<g class="node coarse[^"]*" data-id="u\d\.coarse">/g)).toHaveLength(2);
    expect(svg).toContain('coarse solver C');
    expect(drawDot(graph, flow, graph.title, look)).toContain('"n:u1.coarse" [class="node coarse"');
  });

  test('parallel: C above fθ, both fed by the input and both into the state', () => {
    const { L } = drawn('parallel');
    const net = L.glyphs.find((g) => g.id === 'u1')!;
    const coarse = L.glyphs.find((g) => g.id === 'u1.coarse')!;
    expect(coarse.at).toEqual({ x: net.at.x, y: net.at.y - SIZE.box.h - 4 });
    expect(L.edges.filter((e) => e.to === 'u1' && !e.stub).map((e) => e.from)).toEqual(['ic']);
    expect(L.edges.filter((e) => e.to === 'u1.coarse' && !e.stub).map((e) => e.from)).toEqual(['ic']);
    expect(L.edges.filter((e) => e.stub && (e.from === 'u1' || e.from === 'u1.coarse'))).toHaveLength(2);
  });

  test('without the look the drawing is as before: one fθ per call', () => {
    const { graph, flow } = drawn('sequential');
    expect(layout(graph, flow).glyphs.some((g) => g.kind === 'coarse')).toBe(false);
  });
});
