// Gradients through rfft and irfft against central finite differences in
// float64 (h = 1e-5; these losses are quadratic, so the differences are
// exact but for rounding, ~1e-11 of the loss). Their VJPs are weighted
// transforms of each other (ops/spectrum.ts); a wrong weight on the
// self-mirrored bins (0 and n/2) or on the others would be off by a factor
// of two on some entries.
import { describe, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { opDef } from '../../src/ops/registry.js';
import { verify } from '../../src/ops/verify.js';
import { expectFiniteDifferences } from '../ops/helpers.js';

/** mse(f(inputs), target) for the value `body` builds from its inputs. */
function lossOf(body: (b: GraphBuilder) => { out: string; wrt: string[] }): { g: Graph; wrt: string[] } {
  const b = new GraphBuilder('fft');
  const { out, wrt } = body(b);
  const t = b.add('t', 'input', [], b.shapeOf(out));
  const loss = b.add('loss', 'loss', [out, t], [], { kind: 'mse' });
  return { g: verify(b.build([loss])), wrt };
}

function rfft(b: GraphBuilder, id: string, x: string, dims: number): string {
  return b.add(id, 'rfft', [x], opDef('rfft').shape([b.shapeOf(x)], { dims }), { dims });
}

function irfft(b: GraphBuilder, id: string, y: string, dims: number, n: number): string {
  return b.add(id, 'irfft', [y], opDef('irfft').shape([b.shapeOf(y)], { dims, n }), { dims, n });
}

const check = ({ g, wrt }: { g: Graph; wrt: string[] }, seed: number) => expectFiniteDifferences(g, wrt, seed);

// Even sizes (the GPU's), and odd last axes, which have no n/2 bin.
const grids: [string, number[]][] = [
  ['1-D, 8', [8]],
  ['1-D, 7', [7]],
  ['2-D, 4 x 6', [4, 6]],
  ['2-D, 6 x 5', [6, 5]],
  ['3-D, 4 x 2 x 4', [4, 2, 4]],
  ['3-D, 2 x 4 x 3', [2, 4, 3]],
];

describe('rfft, irfft and their composition: gradients against finite differences', () => {
  it.each(grids)('rfft on %s', (_, N) => {
    const dims = N.length;
    check(lossOf((b) => {
      const x = b.add('x', 'input', [], [2, 2, ...N]);
      return { out: rfft(b, 'X', x, dims), wrt: [x] };
    }), dims);
  });

  it.each(grids)('irfft on %s, the self-mirrored bins\' imaginary parts included', (_, N) => {
    const dims = N.length;
    const shape = opDef('rfft').shape([[2, 2, ...N]], { dims });
    check(lossOf((b) => {
      const y = b.add('y', 'input', [], shape);
      return { out: irfft(b, 'u', y, dims, N.at(-1)!), wrt: [y] };
    }), dims + 10);
  });

  it.each(grids)('irfft(rfft(x) * w) on %s, in x and in w', (_, N) => {
    const dims = N.length;
    check(lossOf((b) => {
      const x = b.add('x', 'input', [], [2, 1, ...N]);
      const X = rfft(b, 'X', x, dims);
      const w = b.add('w', 'input', [], b.shapeOf(X));
      const filtered = b.add('Xw', 'mul', [X, w], b.shapeOf(X));
      return { out: b.add('a', 'tanh', [irfft(b, 'u', filtered, dims, N.at(-1)!)], [2, 1, ...N]), wrt: [x, w] };
    }), dims + 20);
  });
});

