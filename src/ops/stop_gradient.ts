// Identity forward, zero cotangent backward: how every cut is expressed.
import type { OpDef } from './op.js';
import { expectArity } from './op.js';

export const stop_gradient: OpDef<'stop_gradient'> = {
  name: 'stop_gradient',
  shape(inputs) {
    expectArity(inputs, 1, 'stop_gradient');
    return inputs[0]!;
  },
  eval([x]) {
    return x!;
  },
  vjp() {
    return [null];
  },
  // Moves or makes values: no arithmetic.
  flops: () => [0],
  wgsl: { kind: 'expr', expr: (c, i) => c.x(0, i) },
};
