// NaN and infinities through the elementwise ops on Dawn (lavapipe), as XLA
// treats them: NaN in gives NaN out. WGSL's max may return its other operand
// for a NaN, so a relu written as max(x, 0) would turn a diverged rollout's
// NaN into 0 on the GPU.
import { describe, expect, test } from 'vitest';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { OpName } from '../../src/ir/op-attrs.js';
import { GENERIC, GPU } from '../../src/ir/target.js';
import { verify } from '../../src/ops/verify.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { GpuProgram } from '../../src/runtime/gpu/program.js';
import { compiling } from '../budgets.js';
import { tensor } from '../ops/helpers.js';

const device = await gpuDevice();
const X = [NaN, Infinity, -Infinity, -2, -0, 0, 0.5, 3];
// max(x, 0), tanh, abs and their compositions by hand, NaN where x is NaN.
const relu = X.map((x) => (Number.isNaN(x) ? NaN : x > 0 ? x : 0));
const expected: Record<string, number[]> = {
  relu,
  relu_neg: X.map((x) => (Number.isNaN(x) ? NaN : -x > 0 ? -x : 0)),
  tanh: X.map(Math.tanh),
  abs: X.map(Math.abs),
};

function graph() {
  const b = new GraphBuilder('nan');
  const x = b.add('x', 'input', [], ['B', X.length]);
  const unary = (id: string, op: OpName, input: string) => b.add(id, op, [input], ['B', X.length]);
  // relu of a fused value: its operand is an expression, not a load.
  const outs = [unary('relu', 'relu', x), unary('relu_neg', 'relu', unary('neg', 'neg', x)), unary('tanh', 'tanh', x), unary('abs', 'abs', x)];
  return verify(b.build(outs));
}

describe('NaN and infinities on the GPU', () => {
  for (const [name, target] of [['CPU shapes', GENERIC], ['GPU shapes', GPU]] as const)
    test(`relu, tanh and abs keep NaN and infinities (${name})`, compiling(1), async () => {
      const g = graph();
      const program = await GpuProgram.compile(device, g, 1, target);
      try {
        const out = await program.run(1, new Map([['x', tensor([1, X.length], X)]]), g.outputs);
        for (const id of g.outputs) {
          const got = Array.from(out.get(id)!);
          const want = expected[id]!;
          want.forEach((w, i) => (Number.isFinite(w) ? expect(got[i], `${id}[${i}]`).toBeCloseTo(w, 6) : expect(got[i], `${id}[${i}] of x = ${X[i]}`).toBe(w)));
        }
      } finally {
        program.destroy();
      }
    });
});
