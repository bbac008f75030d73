// The compiled WGSL kernels against the float64 interpreter, for every
// configuration of every spec: the same loss and gradients to 1e-4 relative,
// on Dawn (lavapipe, a software Vulkan driver, where the machine has no GPU).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cpuLossAndGrad } from '../../src/runtime/cpu.js';
import { gpuLossAndGrad } from '../../src/runtime/gpu/grad.js';
import { findSpecs } from '../../src/snapshot.js';
import type { Plan } from '../../src/codegen/plan.js';
import { graphFlops, plan } from '../../src/codegen/plan.js';
import { kernelOps } from '../../src/codegen/kernel.js';
import type { Target } from '../../src/ir/target.js';
import { GENERIC, GPU } from '../../src/ir/target.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';
import { GpuProgram } from '../../src/runtime/gpu/program.js';
import { windowFeeds } from '../../src/runtime/minibatch.js';
import { deviceTarget } from '../../src/runtime/gpu/target-probe.js';
import { compileAll, compileFile, firstBatch, paramsFor, type Compiled } from '../grad/helpers.js';
import { relError } from '../train/helpers.js';
import { compiling } from '../budgets.js';

// Every spec with this device's kernel shapes, and with GPU shapes (on
// lavapipe slower, but they must compute the same).
const BATCH = 8;
const LARGE_FLOPS = 2e7;

describe('GPU loss and gradients equal the float64 interpreter', () => {
  const cases = findSpecs('specs').flatMap((file) =>
    compileFile(file, readFileSync(file, 'utf8')).flatMap((c) =>
      [undefined, GPU].map((target) => ({ name: `${file} ${c.program.config.name}${target ? ', GPU shapes' : ''}`, c, target })),
    ),
  );
  const agrees = async ({ c, target }: (typeof cases)[number]) => {
    const windows = firstBatch(c, BATCH);
    const params = paramsFor(c, 0);
    const cpu = cpuLossAndGrad(c.final, params, windows);
    const gpu = await gpuLossAndGrad(c.final, params, windows, target);
    expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
    expect([...gpu.grads.keys()]).toEqual([...cpu.grads.keys()]);
    for (const [name, g] of cpu.grads) expect(relError(g.data, gpu.grads.get(name)!.data), name).toBeLessThan(1e-4);
  };
  // A 2-D network's step (diffusion-resnet: 0.1 GFLOP at batch 8) takes
  // seconds in the float64 interpreter and its many modules compile for tens
  // of seconds cold on a loaded lavapipe: four programs' budget.
  const large = ({ c }: (typeof cases)[number]) => graphFlops(c.final, BATCH) > LARGE_FLOPS;
  test.each(cases.filter((k) => !large(k)))('$name', compiling(1), agrees);
  test.each(cases.filter(large))('$name', compiling(4), agrees);
});

// Each tiled case runs with register blocks (GENERIC), with subgroup
// broadcast blocks where the device has them (lavapipe: 8 lanes), and with
// GPU shapes (one output per thread, trees for the weight gradients).
const device = await gpuDevice();
const targets: [string, Target][] = [
  ['register blocks', GENERIC],
  ...(deviceTarget(device).subgroup ? [['subgroup blocks', deviceTarget(device)] as [string, Target]] : []),
  ['GPU shapes', GPU],
];

/** The loss and every gradient of one minibatch of `batch` on the GPU, for `target`, equal the float64 interpreter's to 1e-4. */
async function expectGpuEqualsCpu(c: Compiled, batch: number, target: Target): Promise<void> {
  const windows = firstBatch(c, batch);
  const params = paramsFor(c, 0);
  const cpu = cpuLossAndGrad(c.final, params, windows);
  const gpu = await gpuLossAndGrad(c.final, params, windows, target);
  expect(Math.abs(gpu.loss - cpu.loss) / Math.abs(cpu.loss)).toBeLessThan(1e-4);
  for (const [name, g] of cpu.grads) expect(relError(g.data, gpu.grads.get(name)!.data), name).toBeLessThan(1e-4);
}

/** The op of each tiled kernel, and whether its tile broadcasts across subgroups. */
function tiles(p: Plan): Set<string> {
  return new Set(p.fusion.kernels.filter((k) => k.tile).map((k) => `${(k.terms?.[0]?.node ?? k.prologue ?? k.root).op}${k.tile!.subgroup ? '/sg' : ''}`));
}

describe('register-blocked convolutions equal the float64 interpreter', () => {
  // 8 channels and 64 points divide into blocks (4 x 8, or 8 lanes x 8
  // columns x 8 channels; 4 columns where the sum has one inner channel), so
  // the convolutions and transposes run tiled; both paddings, forward and
  // backward. At rollout 3 each parameter's three per-step gradients are
  // summed by one kernel (terms.ts), tiled or in trees;
  // the tiled ones sum their biases' gradients too (fold.ts).
  const spec = (padding: string) => `data advection1d { points 64  trajectories 4  snapshots 8  cfl 0.5 }
emulator conv1d { channels 1 -> 8 -> 8 -> 1  kernel 5  padding ${padding}  activation tanh  bias true  seed 3 }
config supervised rollout 3
train { batch 4 }
`;
  const cases = ['circular', 'zero'].flatMap((padding) => targets.map(([form, target]) => ({ padding, form, target })));
  test.each(cases)('$padding padding, $form', compiling(1), async ({ padding, target }) => {
    const [c] = compileAll(spec(padding));
    // With subgroups, the convolutions to and from one channel keep register blocks.
    const gpuShapes = target.shapes === 'gpu';
    const expected = gpuShapes ? [] : target.subgroup ? ['conv/sg', 'conv', 'conv_t/sg', 'conv_t', 'conv_w/sg', 'conv_w'] : ['conv', 'conv_t', 'conv_w'];
    const p = plan(c!.final, 4, target);
    expect(tiles(p)).toEqual(new Set(expected));
    const sums = p.fusion.kernels.filter((k) => k.terms).map((k) => `${kernelOps(k)}${k.tile ? '/tile' : k.tree ? '/tree' : ''}`);
    // GPU shapes: every weight gradient a tree; at batch 4 the bias gradients (2048 terms) are too little work for one.
    const weights = gpuShapes ? ['conv_w*3/tree', 'conv_w*3/tree', 'conv_w*3/tree', 'sum*3', 'sum*3', 'sum*3'] : ['conv_w*3+sum/tile', 'conv_w*3+sum/tile', 'conv_w*3/tree', 'sum*3/tree'];
    expect(sums.sort()).toEqual(weights);
    await expectGpuEqualsCpu(c!, 4, target);
  });
});

describe('register-blocked dense layers equal the float64 interpreter', () => {
  // Width 16 gives 8 x 8 blocks in every dense, dense_t and dense_w kernel;
  // blocks span the batch, so batches that are not multiples of 8 check the
  // clamped reads and guarded writes of the last block.
  const spec = `data lorenz63 { trajectories 4  snapshots 30  dt 0.01 }
emulator mlp { width 16  depth 2  activation tanh  bias true  seed 5 }
reference lorenz63 { dt 0.01 }
config supervised rollout 3
train { batch 13 }
`;
  // Subgroup blocks span 32 samples (8 lanes x 4 rows): every batch here is a partial block.
  const cases = [13, 8, 3].flatMap((batch) => targets.map(([form, target]) => ({ batch, form, target })));
  test.each(cases)('batch $batch, $form', compiling(1), async ({ batch, target }) => {
    const [c] = compileAll(spec);
    // With subgroups, the products with the 3 outputs (not a multiple of 8 lanes) keep register blocks.
    const expected = ['dense', 'dense_t', 'dense_w'];
    const shapes = target.shapes === 'gpu' ? [] : target.subgroup ? [...expected, ...expected.map((op) => `${op}/sg`)] : expected;
    expect(tiles(plan(c!.final, batch, target))).toEqual(new Set(shapes));
    await expectGpuEqualsCpu(c!, batch, target);
  });
});

describe('GPU shapes planned for a larger batch than they run at', () => {
  // W2's network on 256 points: with a plan for 64 samples its weight and
  // bias gradients are trees over three steps (so at 37 samples each
  // thread's four-term loop runs, and its remainder), its losses flat sums.
  // The runtime plans for its largest batch and runs a short last one.
  const spec = `data advection1d { points 256  trajectories 5  snapshots 12  cfl 0.5 }
emulator conv1d { channels 1 -> 16 -> 16 -> 1  kernel 5  activation relu  bias true  seed 2 }
config supervised rollout 3
train { batch 37 }
`;
  test('planned at 64, run at 37', compiling(1), async () => {
    const [c] = compileAll(spec);
    const p = plan(c!.final, 64, GPU);
    const trees = p.fusion.kernels.filter((k) => k.tree).map(kernelOps);
    expect(trees.sort()).toEqual(['conv_w*3', 'conv_w*3', 'conv_w*3', 'loss', 'loss', 'loss', 'sum*3', 'sum*3', 'sum*3']);
    const windows = firstBatch(c!, 37);
    const params = paramsFor(c!, 0);
    const program = await GpuProgram.compile(device, c!.final, 64, GPU);
    try {
      const feeds = windowFeeds(c!.final, windows);
      for (const [name, t] of params) feeds.set(name, t);
      const values = await program.run(37, feeds, c!.final.outputs);
      const cpu = cpuLossAndGrad(c!.final, params, windows);
      const [loss, ...grads] = c!.final.outputs;
      expect(Math.abs(values.get(loss!)![0]! - cpu.loss) / cpu.loss).toBeLessThan(1e-4);
      for (const id of grads) expect(relError(cpu.grads.get(id.replace(/^grad\./, ''))!.data, Float64Array.from(values.get(id)!)), id).toBeLessThan(1e-4);
    } finally {
      program.destroy();
    }
  });
});

// The finite-difference references on 2-D and 3-D fields with zero padding
// (specs/2d has a periodic one): shifts along every axis, differentiated (the
// diverted branch runs the reference on the emulator's output). GPU shapes
// only: the shifts' WGSL is the same for every target, and lavapipe takes
// ~20 s to compile each register-blocked variant.
describe('N-D finite-difference references equal the float64 interpreter', () => {
  const spec = (dims: number, reference: string) => `
data advection { dims ${dims}  points ${dims === 2 ? 8 : 4}  trajectories 4  snapshots 6  modes 1 }
emulator mlp { width 8  depth 1  activation tanh }
reference ${reference}
config diverted_one rollout 2
`;
  const cases = [
    { dims: 2, reference: 'advection { cfl [0.4, -0.3]  method upwind  padding zero }' },
    { dims: 2, reference: 'burgers { nu 0.1  dt 0.05  padding zero }' },
    { dims: 3, reference: 'diffusion { gamma 0.2  method ftcs  padding zero }' },
  ];
  test.each(cases)('$dims-D $reference', compiling(1), async ({ dims, reference }) => {
    const [c] = compileAll(spec(dims, reference));
    await expectGpuEqualsCpu(c!, 4, GPU);
  });
});
