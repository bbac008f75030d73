// The Fourier transforms in the plan: each pass a dispatch of its own (the
// `dispatch` rule kind), nothing fused into it, irfft's scratch value apart
// from everything alive while it runs, their FLOPs, and the sizes the GPU
// kernel takes.
import { describe, expect, it } from 'vitest';
import { scratchSlot } from '../../src/codegen/kernel.js';
import { graphFlops } from '../../src/codegen/plan.js';
import { stepProgram } from '../../src/codegen/step.js';
import type { Graph, Shape } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { GENERIC, GPU } from '../../src/ir/target.js';
import { opDef } from '../../src/ops/registry.js';
import { verify } from '../../src/ops/verify.js';
import { UserError } from '../../src/util/diagnostics.js';

/** u = irfft(rfft(x) * w) on x of `shape`, both outputs. */
function roundTrip(shape: Shape, dims: number): Graph {
  const b = new GraphBuilder('fft');
  const x = b.add('x', 'input', [], shape);
  const X = b.add('X', 'rfft', [x], opDef('rfft').shape([shape], { dims }), { dims });
  const w = b.add('w', 'input', [], b.shapeOf(X));
  const Xw = b.add('Xw', 'mul', [X, w], b.shapeOf(X));
  const u = b.add('u', 'irfft', [Xw], shape, { dims, n: shape.at(-1) as number });
  return verify(b.build([X, u]));
}

describe('rfft and irfft in the plan', () => {
  it.each([1, 2, 3])('over %i axes: a dispatch per axis each, the product between them a kernel of its own', (dims) => {
    const p = stepProgram(roundTrip(['B', 2, ...[16, 8, 4].slice(0, dims)], dims), { target: GENERIC, maxBatch: 4 });
    const rows = p.dispatches.map((d) => [d.name, d.phases.length]);
    expect(rows).toEqual([...Array(dims).fill(['X', 1]), ['Xw', 1], ...Array(dims).fill(['u', 1])]);
    // No value is fused into a transform.
    for (const k of p.fusion.kernels) if (k.rule.kind === 'dispatch') expect(k.fused).toEqual([]);
  });

  it('irfft over several axes keeps its input: its leading passes work in a scratch slot apart from every value alive', () => {
    const p = stepProgram(roundTrip(['B', 2, 8, 4], 2), { target: GPU, maxBatch: 4 });
    const k = p.fusion.kernels.find((x) => x.root.id === 'u')!;
    const scratch = p.memory.slots.get(scratchSlot(k))!;
    expect(scratch.size).toBe(4 * 2 * 8 * 3 * 2);
    for (const id of ['x', 'w', 'X', 'Xw', 'u']) {
      const s = p.memory.slots.get(id)!;
      expect(s.offset + s.size <= scratch.offset || scratch.offset + scratch.size <= s.offset, id).toBe(true);
    }
    const oneAxis = stepProgram(roundTrip(['B', 2, 8], 1), { target: GPU, maxBatch: 4 });
    expect([...oneAxis.memory.slots.keys()].some((id) => id.endsWith(':scratch'))).toBe(false);
  });

  it('counts 5 n log2 n per complex FFT of n points the kernels run', () => {
    const b = new GraphBuilder('rfft');
    const x = b.add('x', 'input', [], [1, 1, 4, 8]);
    b.add('X', 'rfft', [x], [1, 1, 4, 5, 2], { dims: 2 });
    // The last axis: 4 lines of 8 points; then 5 lines of 4.
    expect(graphFlops(b.build(['X']), 1)).toBeCloseTo(5 * 4 * 8 * 3 + 5 * 5 * 4 * 2, 9);
  });

  it('the GPU takes 2 to 1024 points of prime factors 2, 3 and 5 along each axis, and says so', () => {
    const plan = (shape: Shape, dims: number) => () => stepProgram(roundTrip(shape, dims), { target: GENERIC, maxBatch: 2 });
    expect(plan(['B', 1, 14], 1)).toThrow(UserError);
    expect(plan(['B', 1, 14], 1)).toThrow('rfft on the GPU transforms axes of 2 to 1024 points whose only prime factors are 2, 3 and 5; got 14');
    expect(plan(['B', 1, 7, 8], 2)).toThrow('got 7 x 8');
    expect(plan(['B', 1, 2048], 1)).toThrow('got 2048');
    expect(plan(['B', 1, 12], 1)).not.toThrow();
    expect(plan(['B', 1, 6, 160], 2)).not.toThrow();
  });
});
