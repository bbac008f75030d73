// The kernel plan's promises: memory slots never overlap while both values
// are alive, cut_bptt bounds peak activation memory by the segment length,
// every kernel fits the device's binding limits, and fusion shows in counts.
import { TABLES_SLOT } from '../../src/codegen/tables.js';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Plan } from '../../src/codegen/plan.js';
import { planModules, planStats } from '../../src/codegen/plan-text.js';
import type { StepProgram } from '../../src/codegen/step.js';
import { stepProgram } from '../../src/codegen/step.js';
import { kernelOps, kernelOutputs, scratchSlot } from '../../src/codegen/kernel.js';
import { MERGE_PHASES } from '../../src/codegen/merge.js';
import { frontend } from '../../src/frontend.js';
import { runPasses } from '../../src/passes/pipeline.js';
import { findSpecs } from '../../src/snapshot.js';
import { specStep } from '../../src/spec-step.js';
import type { Target } from '../../src/ir/target.js';
import { GENERIC, LAVAPIPE, TARGETS } from '../../src/ir/target.js';

const HEAD = `data advection1d { points 30 trajectories 20 snapshots 100 cfl -0.75 }
emulator conv1d { channels 1 -> 1 kernel 2 padding circular bias false }
`;

/** The graph alone: its kernels, dispatches and arena. */
function planOf(source: string, batch = 32, target: Target = GENERIC): StepProgram {
  const fe = frontend(source, 'x.tx');
  expect(fe.diagnostics).toEqual([]);
  return stepProgram(runPasses(fe.programs[0]!.graph, fe.spec).at(-1)!.graph, { target, maxBatch: batch });
}

/** A spec's first configuration alone, at its train batch. */
function specPlanOf(file: string, target: Target = GENERIC): StepProgram {
  const source = readFileSync(file, 'utf8');
  return planOf(source, frontend(source, file).spec.train.batch, target);
}

/** Every value's lifetime in kernel positions: from its producer (or 0 for inputs/outputs) to its last reader; a scratch slot's, its kernel's. */
function lifetimes(p: Plan): Map<string, [number, number]> {
  const life = new Map<string, [number, number]>();
  const end = p.fusion.kernels.length;
  for (const n of p.graph.nodes) if (n.op === 'input') life.set(n.id, [0, end]);
  // The constant tables live throughout, as the inputs do.
  if (p.memory.slots.has(TABLES_SLOT)) life.set(TABLES_SLOT, [0, end]);
  p.fusion.kernels.forEach((k, t) => {
    for (const o of kernelOutputs(k)) if (!life.has(o)) life.set(o, [t, t]);
    if (k.scratch) life.set(scratchSlot(k), [t, t]);
    for (const r of k.reads) life.get(r)![1] = Math.max(life.get(r)![1], t);
  });
  for (const o of p.graph.outputs) life.get(o)![1] = end;
  return life;
}

describe('memory plan', () => {
  // Except a kernel's output and a value it reads last, and only at the
  // elements it writes (Kernel.inPlace): their lives meet at that kernel.
  test.each(findSpecs('specs'))('no two live values share memory: %s', (file) => {
    const fe = frontend(readFileSync(file, 'utf8'), file);
    for (const prog of fe.programs) {
      const p = stepProgram(runPasses(prog.graph, fe.spec).at(-1)!.graph, { target: GENERIC, maxBatch: fe.spec.train.batch });
      const life = lifetimes(p);
      const slots = [...p.memory.slots];
      for (let a = 0; a < slots.length; a++)
        for (let b = a + 1; b < slots.length; b++) {
          const [[ia, sa], [ib, sb]] = [slots[a]!, slots[b]!];
          const [la, lb] = [life.get(ia)!, life.get(ib)!];
          const handedOver = (x: string, lx: [number, number], y: string, ly: [number, number]) =>
            ly[0] === lx[1] && p.fusion.kernels[ly[0]]!.root.id === y && p.fusion.kernels[ly[0]]!.inPlace.includes(x);
          const liveTogether = la[0] <= lb[1] && lb[0] <= la[1] && !handedOver(ia, la, ib, lb) && !handedOver(ib, lb, ia, la);
          const overlap = sa.offset < sb.offset + sb.size && sb.offset < sa.offset + sa.size;
          expect(liveTogether && overlap, `%${ia} and %${ib}`).toBe(false);
        }
    }
  });

  test('cut_bptt every 2 keeps at most a tenth of the activations of rollout 40', () => {
    const full = planStats(planOf(`${HEAD}config supervised rollout 40\n`));
    const cut = planStats(planOf(`${HEAD}config supervised rollout 40 cut_bptt every 2\n`));
    expect(cut.peakActivationBytes).toBeLessThanOrEqual(full.peakActivationBytes / 10);
    // Peak grows with the segment length, not with the rollout: twenty more
    // steps add less than one state (32 x 30 floats), only their scalar losses
    // and two-float weight gradients, which wait for the final sums.
    const cut20 = planStats(planOf(`${HEAD}config supervised rollout 20 cut_bptt every 2\n`));
    expect(cut.peakActivationBytes - cut20.peakActivationBytes).toBeLessThan(32 * 30 * 4);
  });
});

describe('kernels', () => {
  test('the quickstart fuses its losses, seeds and cotangents into the layer kernels', () => {
    // Forward: 5 convolutions and 5 losses; backward: 4 input transposes
    // (each adding its step's loss seed to the cotangent in registers), the
    // last step's weight transpose (its cotangent, the seed, in registers
    // too), one kernel summing the other 4 steps' weight transposes and
    // adding the last's, and the weighted loss sum: 17 kernels.
    const p = planOf(`${HEAD}config supervised rollout 5\n`);
    const ops = p.fusion.kernels.map((k) => (k.terms?.[0]?.node ?? k.prologue ?? k.root).op);
    expect(p.fusion.kernels.filter((k) => k.prologue?.op === 'conv_t').map(kernelOps)).toEqual(Array(4).fill('conv_t+add'));
    expect(ops.filter((o) => o === 'conv').length).toBe(5);
    expect(ops.filter((o) => o === 'loss').length).toBe(5);
    expect(ops.filter((o) => o === 'conv_t').length).toBe(4);
    expect(p.fusion.kernels.filter((k) => k.terms).map((k) => [k.name, kernelOps(k), k.addends])).toEqual([['grad.layers.0.weight', 'conv_w*4', ['d.u5.w']]]);
    expect(ops.filter((o) => o === 'conv_w').length).toBe(2);
    expect(ops.length).toBe(17);
  });

  test("a parameter's per-step gradients sum in one kernel within a run of backward kernels, never across a cut_bptt segment", () => {
    const termsOf = (p: Plan) => p.fusion.kernels.filter((k) => k.terms).map(kernelOps);
    // The add chain of 40 values is stored once on the way (MAX_INLINE_COST):
    // two sums, the second adding the first and the last step's own kernel.
    expect(termsOf(planOf(`${HEAD}config supervised rollout 40\n`))).toEqual(['conv_w*25', 'conv_w*14']);
    // Each segment's backward runs before the next segment's forward: merging
    // would keep every segment's inputs alive to the end.
    expect(termsOf(planOf(`${HEAD}config supervised rollout 40 cut_bptt every 2\n`))).toEqual([]);
  });

  test.each(findSpecs('specs'))('every dispatch uses three bindings (arena, step, offsets), within any device limit: %s', (file) => {
    const fe = frontend(readFileSync(file, 'utf8'), file);
    for (const prog of fe.programs) {
      const p = stepProgram(runPasses(prog.graph, fe.spec).at(-1)!.graph, { target: GENERIC, maxBatch: fe.spec.train.batch });
      for (const m of planModules(p)) expect(m.wgsl.match(/@binding\(/g)?.length).toBe(3);
    }
  });

  test('the same layer at every time step compiles to one module: offsets come from a uniform', () => {
    const p = specPlanOf('specs/lorenz/mlp.tx');
    const text = (i: number) => planModules(p)[i]!.wgsl.replace(/^\s*\/\/.*\n/gm, '');
    // Dispatch 1 is u1.act1 (tanh of the 64 -> 64 dense layer), and every later step's act1 the same module.
    const dense1 = p.dispatches.map((d, j) => [d.name, j] as const).filter(([name]) => /^u\d+\.act1$/.test(name));
    expect(dense1.length).toBe(10);
    expect(new Set(dense1.map(([, j]) => text(j))).size).toBe(1);
    expect(text(dense1[0]![1])).toContain('tx_off.o[0]');
    expect(new Set(dense1.map(([, j]) => p.dispatches[j]!.module)).size).toBe(1);
  });

  test('light kernels share merged dispatches of at most MERGE_PHASES, in kernel order, barriers only between dependent ones', () => {
    const p = specPlanOf('specs/quickstart/rollout5.tx');
    expect(p.dispatches.flatMap((d) => d.phases)).toEqual(p.phases);
    expect(p.dispatches.length).toBe(Math.ceil(p.fusion.kernels.length / MERGE_PHASES));
    const [first] = planModules(p);
    // u1 = conv(ic), l1 = loss(u1), u2 = conv(u1), l2 = loss(u2), ...: every
    // kernel after the first reads its predecessor's output or a value of
    // the one before it, and the losses are independent of the next conv.
    const body = first!.wgsl.slice(first!.wgsl.indexOf('fn main'));
    const loops = body.split('\n').filter((l) => l.includes('for (var t = lid'));
    expect(loops.length).toBeLessThan(MERGE_PHASES);
    expect(body.match(/storageBarrier\(\);/g)!.length).toBeLessThan(MERGE_PHASES);
    // The losses (one output) are summed by the whole workgroup, not one thread.
    expect(loops.length + (body.match(/sweep\(lid\);/g) ?? []).length).toBe(MERGE_PHASES);
  });

  test('with 8-lane subgroups, wide products and convolutions broadcast across lanes; narrow ones keep register blocks', () => {
    // The Lorenz MLP: 64 -> 64 products take subgroup blocks, the 64 -> 3 output layer cannot (3 columns).
    const p = specPlanOf('specs/lorenz/mlp.tx', LAVAPIPE);
    const generic = specPlanOf('specs/lorenz/mlp.tx');
    // Same kernels and memory: the target changes only how a kernel's threads split its work.
    expect(p.fusion.kernels.map((k) => k.name)).toEqual(generic.fusion.kernels.map((k) => k.name));
    expect(p.memory.floats).toBe(generic.memory.floats);
    const tiled = (k: (typeof p.fusion.kernels)[number]) => `${kernelOps(k)}${k.tile?.subgroup ? '/sg' : k.tile ? '/tile' : ''}`;
    const forms = new Set(p.fusion.kernels.filter((k) => k.tile).map(tiled));
    expect(forms).toEqual(new Set(['dense+bias_add+tanh/sg', 'dense+bias_add+reshape/tile', 'dense_t+mul+sub/sg', 'dense_t+reshape+add+reshape/tile', 'dense_w*10+sum/sg', 'dense_w*10+sum/tile']));
    const modules = planModules(p);
    const kernelOf = new Map(p.phases.map((ph, i) => [ph, p.fusion.kernels[i]!]));
    for (const [j, d] of p.dispatches.entries()) {
      const uses = d.phases.some((ph) => kernelOf.get(ph)!.tile?.subgroup || kernelOf.get(ph)!.treeLanes);
      expect(modules[j]!.wgsl.startsWith('enable subgroups;'), modules[j]!.name).toBe(Boolean(uses));
      expect(modules[j]!.wgsl.includes('subgroup'), modules[j]!.name).toBe(Boolean(uses));
    }
    expect(planModules(generic).some((m) => m.wgsl.includes('subgroup'))).toBe(false);
  });
});

describe('what a device compiles', () => {
  /** The training step, as `tx compile` and `tx train` build it. */
  const specPlan = (file: string, target: Target) => {
    const fe = frontend(readFileSync(file, 'utf8'), file);
    return specStep(fe.spec, fe.programs[0]!.config, runPasses(fe.programs[0]!.graph, fe.spec).at(-1)!.graph, target);
  };
  // A layer at every time step is one module: its offsets come from the
  // dispatch's uniform and its fused functions are named by position. The
  // counts below are those modules, read off `tx compile --emit wgsl`: the
  // graph's kernels with the gather and the optimizer.
  test.each([
    ['specs/quickstart/rollout20.tx', 'cpu', 8, 5],
    ['bench/specs/w2.tx', 'lavapipe', 41, 16],
    ['specs/lorenz/mlp.tx', 'lavapipe', 75, 17],
    ['specs/quickstart/rollout20.tx', 'gpu', 10, 7],
    ['bench/specs/w2.tx', 'gpu', 44, 18],
    ['specs/lorenz/mlp.tx', 'gpu', 78, 19],
  ] as const)('%s (%s target): %i dispatches, %i distinct modules', (file, name, dispatches, modules) => {
    const s = planStats(specPlan(file, TARGETS.find((t) => t.name === name)!));
    expect([s.dispatchesPerStep, s.distinctModules]).toEqual([dispatches, modules]);
  });

  // Mesa unrolls such loops and LLVM's compile time explodes (ops/op.ts,
  // tripCount). Register blocks (a phase of thread t, not of element i) keep
  // theirs: their bodies are too large to unroll, and a hidden bound costs run time.
  test.each([...findSpecs('specs'), ...findSpecs('bench/specs')])('no loop of more than a few steps has a bound the shader compiler can see: %s', (file) => {
    const fe = frontend(readFileSync(file, 'utf8'), file);
    for (const p of fe.programs)
      // GPU shapes show their bounds on purpose (WgslCtx.bound).
      for (const target of TARGETS.filter((t) => t.shapes === 'cpu'))
        for (const m of planModules(specStep(fe.spec, p.config, runPasses(p.graph, fe.spec).at(-1)!.graph, target)).filter((m) => !/fn \w*phase\(t: u32\)/.test(m.wgsl))) {
          // A loop's condition and step: its trip count is at most the constants in the condition over the step,
          // or their base-2 logarithm where the step doubles (an FFT's stages).
          const loops = [...m.wgsl.matchAll(/for \([^;]*;([^;]*);([^)]*)\)/g)].map((x) => ({ cond: x[1]!, step: Number(/\+= (\d+)u/.exec(x[2]!)?.[1] ?? 1), doubles: /\*= 2u/.test(x[2]!) }));
          const trips = (bound: number, step: number, doubles: boolean) => (doubles ? Math.ceil(Math.log2(bound)) : Math.ceil(bound / step));
          const visible = loops.filter(({ cond, step, doubles }) => !cond.includes('u.z') && !cond.includes('u.B') && [...cond.matchAll(/(\d+)u/g)].some((d) => trips(Number(d[1]), step, doubles) > 8));
          expect(visible, `${file} ${p.config.name} ${m.name}`).toEqual([]);
        }
  });
});
