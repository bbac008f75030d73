// What `simplify-chain` saves, counted with callStats on the chain graph before
// (stage `lower`) and after it, against counts derived from the semantics.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import { callStats } from '../../src/passes/pipeline.js';
import { compileAll, firstBatch, lossAndGrad, paramsFor, stage, expectRel, type Compiled } from './helpers.js';

const HEADER = `
data advection1d { points 8  trajectories 2  snapshots 8  cfl -0.75  modes 2 }
emulator conv1d { channels 1 -> 1  kernel 2  padding circular  bias false }
reference advection1d { cfl -0.75  method spectral }
`;

function one(config: string): Compiled {
  return compileAll(`${HEADER}config ${config}\n`)[0]!;
}

function counts(config: string) {
  const c = one(config);
  return { before: callStats(stage(c.stages, 'lower')), after: callStats(stage(c.stages, 'simplify-chain')), c };
}

function lossNodes(g: Graph): number {
  return g.nodes.filter((n) => n.op === 'loss').length;
}

describe('diverted chains: each emulator state computed once', () => {
  it('diverted rollout 3 branch 1: 5 emulator calls lowered, 3 after simplify-chain', () => {
    // Lowering follows the pseudo-code: branches leave at t = 0, 1, 2 (R - B + 1 = 3
    // branches of B = 1 emulator step) and the main chain steps at t = 0, 1 (its
    // step at t = 2 feeds nothing and is not emitted): 3 + 2 = 5. Each branch's
    // first step f(main_t) is the main chain's step f(main_t) for t = 0, 1: CSE
    // keeps one of each pair, 5 - 2 = 3 = f(ic), f^2(ic), f^3(ic).
    const { before, after } = counts('diverted rollout 3 branch 1');
    expect(before).toEqual({ emulator: 5, reference: 3, residuum: 0 });
    expect(after).toEqual({ emulator: 3, reference: 3, residuum: 0 });
  });

  it('diverted rollout 4 branch 2: 8 emulator calls lowered, 4 after simplify-chain', () => {
    // Branches leave at t = 0, 1, 2 (R - B + 1 = 3), each with B = 2 emulator
    // steps: 6; main chain steps at t = 0, 1: 2; lowered 8. Without cuts every
    // emulator value is an iterate of ic: main_t = f^t(ic), branch t's step b is
    // f^(t+b)(ic). The distinct ones are f^1..f^4(ic): 4 (= R). Reference calls
    // differ (each branch steps P from its own main_t, P^b(f^t(ic))): 3 * 2 = 6 stay.
    const { before, after } = counts('diverted rollout 4 branch 2');
    expect(before).toEqual({ emulator: 8, reference: 6, residuum: 0 });
    expect(after).toEqual({ emulator: 4, reference: 6, residuum: 0 });
  });

  it('in general: R emulator evaluations for diverted rollout R branch B, with or without cut_bptt', () => {
    // Lowered: (R - B + 1) B branch steps + (R - B) main steps. After CSE: R.
    // cut_bptt keeps this: a branch's cut state and the main chain's cut state
    // are the same stop_gradient of the same value (one per value), so the
    // next emulator steps still coincide.
    for (let R = 1; R <= 5; R++)
      for (let B = 1; B <= R; B++)
        for (const cut of ['', ' cut_bptt', ' cut_bptt every 2']) {
          const { before, after } = counts(`diverted rollout ${R} branch ${B}${cut}`);
          expect(before.emulator, `R ${R} B ${B}${cut}`).toBe((R - B + 1) * B + (R - B));
          expect(after.emulator, `R ${R} B ${B}${cut}`).toBe(R);
          expect(after.reference).toBe((R - B + 1) * B);
        }
  });

  it('diverted_one rollout R needs no CSE: R emulator and R reference calls as lowered', () => {
    for (let R = 1; R <= 5; R++) {
      const { before, after } = counts(`diverted_one rollout ${R}`);
      expect(before).toEqual({ emulator: R, reference: R, residuum: 0 });
      expect(after).toEqual(before);
    }
  });

  it('the merged graph computes what the unmerged one does', () => {
    // The saving is not paid for in meaning: diverted rollout 3 branch 1 and
    // diverted_one rollout 3 (no merge needed) agree.
    const a = one('diverted rollout 3 branch 1');
    const b = one('diverted_one rollout 3');
    const w = firstBatch(a, 2);
    const p = paramsFor(a, 3);
    const [ra, rb] = [lossAndGrad(a, p, w), lossAndGrad(b, p, w)];
    expectRel(ra.loss, rb.loss, 1e-12, 'loss');
    const [ga, gb] = [ra.grads.get('layers.0.weight')!.data, rb.grads.get('layers.0.weight')!.data];
    ga.forEach((x, i) => expectRel(x, gb[i]!, 1e-12, `grad ${i}`));
  });
});

describe('zero-weight losses are dropped', () => {
  it('supervised rollout 3 weights [0, 0, 1]: one loss left, the rollout kept', () => {
    const { before, after, c } = counts('supervised rollout 3 weights [0, 0, 1]');
    expect(lossNodes(stage(c.stages, 'lower'))).toBe(3);
    expect(lossNodes(stage(c.stages, 'simplify-chain'))).toBe(1);
    // u3 = f(f(f(ic))) still needs all three emulator steps.
    expect(before.emulator).toBe(3);
    expect(after.emulator).toBe(3);
    // The targets y1, y2 are read by nothing any more; y3 is.
    const inputs = stage(c.stages, 'simplify-chain').nodes.filter((n) => n.op === 'input').map((n) => n.id);
    expect(inputs.sort()).toEqual(['ic', 'y3']);
  });

  it('supervised rollout 3 weights [1, 0, 0]: the later steps go too', () => {
    // Only l1 = mse(f(ic), y1) is read: u2, u3 feed nothing.
    const { after, c } = counts('supervised rollout 3 weights [1, 0, 0]');
    expect(lossNodes(stage(c.stages, 'simplify-chain'))).toBe(1);
    expect(after.emulator).toBe(1);
  });

  it('mix rollout 1 post_physics 1 weights [0, 1]: the emulator loss goes, the emulator step stays', () => {
    const { before, after, c } = counts('mix rollout 1 post_physics 1 weights [0, 1]');
    expect(lossNodes(stage(c.stages, 'simplify-chain'))).toBe(1);
    expect(before).toEqual({ emulator: 1, reference: 1, residuum: 0 });
    expect(after).toEqual({ emulator: 1, reference: 1, residuum: 0 });
  });
});
