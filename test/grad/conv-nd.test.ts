// Gradients of the N-D convolutions and the stride-2 resamplings through a
// small loss, mse(tanh(net(x)), target), against central finite differences
// in float64 (h = 1e-5: truncation ~1e-10 and rounding ~1e-11 of these
// O(1) losses, far below the 1e-6 asked).
import { describe, expect, it } from 'vitest';
import type { Graph, Shape } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { ConvAttrs, Padding } from '../../src/ir/op-attrs.js';
import type { Tensor } from '../../src/ops/op.js';
import { opDef } from '../../src/ops/registry.js';
import { verify } from '../../src/ops/verify.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { expectFiniteDifferences, random, rng } from '../ops/helpers.js';

const BATCH = 2;

/** x [2, I, N…] -> layers -> tanh -> mse against a fed target; each layer given the value before it. */
function lossGraph(N: readonly number[], I: number, layers: (b: GraphBuilder, h: string, w: (shape: Shape) => string) => string): { g: Graph; wrt: string[] } {
  const b = new GraphBuilder('conv-nd');
  const x = b.add('x', 'input', [], [BATCH, I, ...N]);
  const weights: string[] = [];
  const w = (shape: Shape) => {
    const id = b.add(`w${weights.length}`, 'input', [], shape);
    weights.push(id);
    return id;
  };
  const out = layers(b, x, w);
  const h = b.add('a', 'tanh', [out], b.shapeOf(out));
  const t = b.add('t', 'input', [], b.shapeOf(out));
  const loss = b.add('loss', 'loss', [h, t], [], { kind: 'mse' });
  return { g: verify(b.build([loss])), wrt: [x, ...weights] };
}

function conv(b: GraphBuilder, id: string, x: string, w: string, attrs: ConvAttrs): string {
  return b.add(id, 'conv', [x, w], opDef('conv').shape([b.shapeOf(x), b.shapeOf(w)], attrs), attrs);
}

function resample(b: GraphBuilder, id: string, k: 'zero_insert' | 'subsample', x: string): string {
  return b.add(id, k, [x], opDef(k).shape([b.shapeOf(x)], {}));
}

interface Row {
  padding: Padding;
  N: number[];
  k: number;
  dilation: number;
  stride: 1 | 2;
}

// Both paddings; per number of axes, dilation 1 and 2, stride 1 and 2, odd and even kernels.
const rows: Row[] = (['circular', 'zero'] as Padding[]).flatMap((padding) => [
  ...[2, 3].flatMap((k) => [1, 2].flatMap((dilation) => [1, 2].map((stride): Row => ({ padding, N: [8], k, dilation, stride: stride as 1 | 2 })))),
  ...[
    { N: [4, 6], k: 3, dilation: 1, stride: 1 },
    { N: [6, 4], k: 2, dilation: 2, stride: 1 },
    { N: [4, 6], k: 3, dilation: 2, stride: 2 },
    { N: [4, 4], k: 4, dilation: 1, stride: 2 },
    { N: [4, 2, 4], k: 3, dilation: 1, stride: 1 },
    { N: [2, 4, 4], k: 2, dilation: 2, stride: 2 },
  ].map((r): Row => ({ padding, ...r, stride: r.stride as 1 | 2 })),
]);

describe('conv: gradients in x and w against finite differences', () => {
  it.each(rows.map((r) => [`${r.padding}, N [${r.N}], k ${r.k}, dilation ${r.dilation}, stride ${r.stride}`, r] as const))('%s', (_, r) => {
    const { g, wrt } = lossGraph(r.N, 2, (b, x, w) =>
      conv(b, 'y', x, w([3, 2, ...r.N.map(() => r.k)]), { padding: r.padding, dilation: r.dilation, stride: r.stride }),
    );
    expectFiniteDifferences(g, wrt, r.N.length * 10 + r.k);
  });
});

describe('resampling: gradients through zero insertion and subsampling', () => {
  it.each([[[3]], [[2, 3]], [[2, 1, 2]]])('up-sampling on %j: zero_insert then a kernel-3 conv', (N) => {
    for (const padding of ['circular', 'zero'] as const) {
      const { g, wrt } = lossGraph(N, 2, (b, x, w) => conv(b, 'up', resample(b, 'z', 'zero_insert', x), w([2, 2, ...N.map(() => 3)]), { padding }));
      expectFiniteDifferences(g, wrt, N.length);
    }
  });

  it.each([[[4]], [[2, 4]], [[2, 4, 2]]])('subsample on %j, between two convolutions', (N) => {
    const { g, wrt } = lossGraph(N, 2, (b, x, w) => {
      const h = conv(b, 'h', x, w([2, 2, ...N.map(() => 2)]), { padding: 'zero' });
      return conv(b, 'y', resample(b, 's', 'subsample', h), w([1, 2, ...N.map(() => 3)]), { padding: 'circular', dilation: 2 });
    });
    expectFiniteDifferences(g, wrt, N.length + 7);
  });
});

describe('conv with upsample 2: the convolution of the zero-inserted field, in one op', () => {
  const cases = (['circular', 'zero'] as Padding[]).flatMap((padding) =>
    [
      { N: [3], k: 3, dilation: 1 },
      { N: [4], k: 2, dilation: 2 },
      { N: [2, 3], k: 3, dilation: 1 },
      { N: [3, 2], k: 4, dilation: 1 },
      { N: [2, 1, 2], k: 3, dilation: 2 },
    ].map((r) => ({ padding, ...r })),
  );
  it.each(cases.map((r) => [`${r.padding}, N [${r.N}], k ${r.k}, dilation ${r.dilation}`, r] as const))('%s', (_, r) => {
    const attrs = { padding: r.padding, ...(r.dilation > 1 && { dilation: r.dilation }) };
    const wShape = [3, 2, ...r.N.map(() => r.k)];
    const fused = lossGraph(r.N, 2, (b, x, w) => conv(b, 'y', x, w(wShape), { ...attrs, upsample: 2 }));
    const apart = lossGraph(r.N, 2, (b, x, w) => conv(b, 'y', resample(b, 'z', 'zero_insert', x), w(wShape), attrs));
    // The same loss as zero_insert then conv, to rounding (only the order of the sums' zero terms differs).
    const next = rng(5);
    const feeds = new Map<string, Tensor>(fused.g.nodes.filter((n) => n.op === 'input').map((n) => [n.id, random(n.shape as number[], next)]));
    expect(evaluate(fused.g, feeds).get('loss')!.data[0]).toBeCloseTo(evaluate(apart.g, feeds).get('loss')!.data[0]!, 13);
    expectFiniteDifferences(fused.g, fused.wrt, r.N.length * 10 + r.k);
  });
});
