// A small resnet, unet, dilated resnet (with group norms) and FNO, inlined
// as the compiler does, forward and backward on Dawn (lavapipe) against the
// float64 interpreter: the loss and the gradient in every parameter, with
// the CPU-shaped and the GPU-shaped kernels, in 1-D and 2-D (the FNO in 3-D
// too).
import { describe, test } from 'vitest';
import type * as A from '../../src/dsl/ast.js';
import { network as net, networkLoss } from '../passes/network-helpers.js';
import type { Graph } from '../../src/ir/graph.js';
import type { Target } from '../../src/ir/target.js';
import { GENERIC, GPU } from '../../src/ir/target.js';
import { verify } from '../../src/ops/verify.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { compiling } from '../budgets.js';
import { expectGpuAgrees } from './agree.js';

const device = await gpuDevice();
const targets: [string, Target][] = [
  ['CPU shapes', GENERIC],
  ['GPU shapes', GPU],
];
const BATCH = 2;


/** mse(net(x), t) and its gradient in every parameter. */
function lossAndGrad(n: A.Network, N: readonly number[]): Graph {
  const { g, params } = networkLoss(n, 'B', N);
  return verify(differentiate(g, 'loss', params));
}

const nets: [string, number[]][] = [
  ['resnet { width 4  blocks 2 }', [16]],
  ['resnet { width 4  blocks 1  padding zero  activation tanh }', [8, 8]],
  ['unet { width 2  levels 1 }', [16]],
  ['unet { width 2  levels 1  padding zero  activation gelu }', [8, 8]],
  ['dilated { width 2  blocks 1  dilations [1, 2]  norm group }', [8, 8]],
  ['fno { width 4  modes 5  blocks 2 }', [16]],
  ['fno { width 2  modes 3  blocks 1  activation tanh }', [8, 8]],
  ['fno { width 2  modes 2  blocks 1 }', [4, 8, 4]],
];

describe('resnet, unet, dilated and fno on the GPU equal the float64 interpreter', () => {
  const cases = nets.flatMap(([text, N]) => targets.map(([form, target]) => ({ text, N, form, target })));
  test.each(cases)('$text on $N, $form', compiling(2), async ({ text, N, target }) => {
    await expectGpuAgrees(device, lossAndGrad(net(text), N), BATCH, target, N.length + text.length);
  });
});
