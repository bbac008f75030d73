// The general convolution kernels (ops/conv-loops.ts: any number of axes,
// dilation, stride) and the resamplings' expressions, compiled to WGSL and
// run on Dawn (lavapipe), against the float64 interpreter: a small
// down-and-up network's loss and gradients in 1-D (dilated and strided),
// 2-D and 3-D, with each target's kernel shapes.
import { describe, expect, test } from 'vitest';
import { plan } from '../../src/codegen/plan.js';
import type { Graph, Shape } from '../../src/ir/graph.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { ConvAttrs } from '../../src/ir/op-attrs.js';
import type { Target } from '../../src/ir/target.js';
import { GENERIC, GPU, withLimits } from '../../src/ir/target.js';
import { opDef } from '../../src/ops/registry.js';
import { verify } from '../../src/ops/verify.js';
import { differentiate } from '../../src/passes/autodiff.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { deviceTarget } from '../../src/runtime/gpu/target-probe.js';
import { compiling } from '../budgets.js';
import { expectGpuAgrees } from './agree.js';

const device = await gpuDevice();
const targets: [string, Target][] = [
  ['CPU shapes', GENERIC],
  ...(deviceTarget(device).subgroup ? [['CPU shapes with subgroups', deviceTarget(device)] as [string, Target]] : []),
  ['GPU shapes', GPU],
];

/** A layer of the test network: a convolution (its kernel size and attributes) or a resampling. */
type Layer = { k: number; attrs: ConvAttrs; out: number } | 'zero_insert' | 'subsample' | 'tanh';

/**
 * x [B, 2, N…] through the layers, then mse against a fed target; its
 * gradient in x and every weight. Inputs are fed by id.
 */
function network(N: readonly number[], layers: readonly Layer[]): Graph {
  const b = new GraphBuilder(`conv on [${N}]`);
  const x = b.add('x', 'input', [], ['B', 2, ...N]);
  const weights: string[] = [];
  let h = x;
  layers.forEach((layer, i) => {
    const shape = b.shapeOf(h);
    if (layer === 'tanh') h = b.add(`a${i}`, 'tanh', [h], shape);
    else if (typeof layer === 'string') h = b.add(`r${i}`, layer, [h], opDef(layer).shape([shape], {}));
    else {
      const wShape: Shape = [layer.out, shape[1]!, ...N.map(() => layer.k)];
      const w = b.add(`w${i}`, 'input', [], wShape);
      weights.push(w);
      h = b.add(`y${i}`, 'conv', [h, w], opDef('conv').shape([shape, wShape], layer.attrs), layer.attrs);
    }
  });
  const t = b.add('t', 'input', [], b.shapeOf(h));
  const loss = b.add('loss', 'loss', [h, t], [], { kind: 'mse' });
  return verify(differentiate(verify(b.build([loss])), loss, [x, ...weights]));
}

// Each net goes down by a strided conv and back up by an upsampling conv
// (unet's sampling) or zero insertion and a conv, with dilated, even and odd
// kernels and both paddings.
// The nets marked `blocks` have last axes the register blocks divide
// (conv-tile.ts): every conv and conv_t of theirs runs as one with CPU shapes,
// the strided ones and the stride's transpose included, and every
// weight gradient.
const nets: { name: string; N: number[]; layers: Layer[]; blocks?: true }[] = [
  {
    name: '1-D, dilated and strided',
    N: [16],
    layers: [
      { k: 3, attrs: { padding: 'circular', dilation: 2 }, out: 3 },
      'tanh',
      { k: 3, attrs: { padding: 'zero', stride: 2 }, out: 3 },
      { k: 2, attrs: { padding: 'zero', dilation: 3, upsample: 2 }, out: 1 },
    ],
  },
  {
    name: '2-D',
    N: [8, 6],
    layers: [
      { k: 3, attrs: { padding: 'circular', dilation: 2 }, out: 3 },
      'tanh',
      { k: 3, attrs: { padding: 'zero', stride: 2 }, out: 4 },
      'tanh',
      'zero_insert',
      { k: 4, attrs: { padding: 'circular' }, out: 2 },
      'subsample',
      { k: 1, attrs: { padding: 'zero' }, out: 1 },
    ],
  },
  {
    name: '3-D',
    N: [4, 4, 6],
    layers: [
      { k: 3, attrs: { padding: 'zero' }, out: 3 },
      'tanh',
      { k: 2, attrs: { padding: 'circular', stride: 2, dilation: 2 }, out: 2 },
      'zero_insert',
      { k: 3, attrs: { padding: 'zero' }, out: 1 },
    ],
  },
  {
    name: '2-D, register blocks',
    N: [6, 16],
    blocks: true,
    layers: [
      { k: 3, attrs: { padding: 'circular', dilation: 2 }, out: 4 },
      'tanh',
      { k: 3, attrs: { padding: 'zero', stride: 2 }, out: 4 },
      'tanh',
      { k: 4, attrs: { padding: 'circular', upsample: 2 }, out: 2 },
      { k: 2, attrs: { padding: 'zero' }, out: 2 },
    ],
  },
  {
    name: '3-D, register blocks',
    N: [4, 6, 8],
    blocks: true,
    layers: [
      { k: 3, attrs: { padding: 'zero' }, out: 4 },
      'tanh',
      { k: 3, attrs: { padding: 'circular', stride: 2 }, out: 2 },
      'zero_insert',
      { k: 2, attrs: { padding: 'zero', dilation: 2 }, out: 1 },
    ],
  },
];

const BATCH = 3;

describe('N-D convolutions on the GPU equal the float64 interpreter', () => {
  const cases = nets.flatMap((net) => targets.map(([form, target]) => ({ ...net, form, target })));
  // Two programs' budget: the 3-D nets' many small modules take 25 s to compile cold on a loaded lavapipe.
  test.each(cases)('$name, $form', compiling(2), async ({ N, layers, target, blocks }) => {
    const g = network(N, layers);
    if (blocks && target.shapes !== 'gpu') {
      const convs = plan(g, BATCH, target).fusion.kernels.filter((k) => ['conv', 'conv_t', 'conv_w'].includes((k.prologue ?? k.root).op));
      expect(convs.filter((k) => !k.tile).map((k) => k.name)).toEqual([]);
    }
    await expectGpuAgrees(device, g, BATCH, target, N.length);
  });
});

// An arena larger than one binding may see is split into banks, each under
// its own binding (codegen/memory.ts): here banks of 8 KiB, so that values,
// kernels summing over time steps and merged dispatches all read and write
// across banks.
test('a net whose arena takes several banks equals the float64 interpreter', compiling(2), async () => {
  const net = nets.find((n) => n.name === '2-D, register blocks')!;
  const g = network(net.N, net.layers);
  const banked = withLimits(GENERIC, { ...GENERIC.limits, maxStorageBufferBindingSize: 8192 });
  const { memory } = plan(g, BATCH, banked);
  expect(memory.banks.length).toBeGreaterThan(2);
  for (const [id, s] of memory.slots) {
    const bank = memory.banks[s.bank]!;
    expect(s.offset >= bank.base && s.offset + s.size <= bank.base + bank.floats, `%${id} in bank ${s.bank}`).toBe(true);
  }
  await expectGpuAgrees(device, g, BATCH, banked, net.N.length);
});
