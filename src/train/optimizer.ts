// The optimizers and learning-rate schedules of a `train` block, in float64,
// written as optax computes them (optax.adam, optax.sgd, the *_schedule
// functions) so that a run here and a float64 JAX run of the same
// configuration differ only by their random streams. Updates are pure: they
// return new arrays and never mutate their arguments, so an executor can keep
// the previous state by reference to undo a step.
import { ADAM } from '../codegen/optimizer.js';
import type * as A from '../dsl/ast.js';
import type { Params } from '../runtime/params.js';

/** `count`: updates applied so far (optax's ScaleByAdamState.count). */
export type OptState =
  | { kind: 'adam'; count: number; mu: Params; nu: Params }
  | { kind: 'sgd'; count: number };

export interface Optimizer {
  init(params: Params): OptState;
  /** One update with learning rate `lr`: the new parameters and state. */
  update(params: Params, grads: Params, state: OptState, lr: number): { params: Params; state: OptState };
}

export function optimizer(kind: A.TrainDecl['optimizer']): Optimizer {
  return kind === 'adam' ? adam : sgd;
}

const adam: Optimizer = {
  init: (params) => ({ kind: 'adam', count: 0, mu: zerosLike(params), nu: zerosLike(params) }),
  update(params, grads, state, lr) {
    if (state.kind !== 'adam') throw new Error(`internal: adam given ${state.kind} state`);
    const { b1, b2, eps } = ADAM;
    const count = state.count + 1;
    // optax's bias_correction divides by (1 - decay^count) with count already incremented.
    const c1 = 1 - b1 ** count;
    const c2 = 1 - b2 ** count;
    const next: Params = new Map();
    const mu: Params = new Map();
    const nu: Params = new Map();
    for (const [name, p] of params) {
      const g = grads.get(name)!.data;
      const m0 = state.mu.get(name)!.data;
      const v0 = state.nu.get(name)!.data;
      const [m, v, out] = [new Float64Array(g.length), new Float64Array(g.length), new Float64Array(g.length)];
      for (let i = 0; i < g.length; i++) {
        // optax.update_moment: (1 - decay) * g^order + decay * moment.
        m[i] = (1 - b1) * g[i]! + b1 * m0[i]!;
        v[i] = (1 - b2) * g[i]! ** 2 + b2 * v0[i]!;
        // eps outside the square root (eps_root = 0); apply_updates adds -lr * u.
        const u = m[i]! / c1 / (Math.sqrt(v[i]! / c2) + eps);
        out[i] = p.data[i]! + -lr * u;
      }
      next.set(name, { shape: p.shape, data: out });
      mu.set(name, { shape: p.shape, data: m });
      nu.set(name, { shape: p.shape, data: v });
    }
    return { params: next, state: { kind: 'adam', count, mu, nu } };
  },
};

const sgd: Optimizer = {
  init: () => ({ kind: 'sgd', count: 0 }),
  update(params, grads, state, lr) {
    const next: Params = new Map();
    for (const [name, p] of params) {
      const g = grads.get(name)!.data;
      next.set(name, { shape: p.shape, data: p.data.map((x, i) => x + -lr * g[i]!) });
    }
    return { params: next, state: { kind: 'sgd', count: state.count + 1 } };
  },
};

function zerosLike(params: Params): Params {
  return new Map([...params].map(([k, t]) => [k, { shape: t.shape, data: new Float64Array(t.data.length) }]));
}

/**
 * The exponential schedule's decay over the whole run: the learning rate falls
 * to 1/100 of its start at the end of the run (optax.exponential_decay with
 * transition_steps = steps, decay_rate 0.01). The `train` block has no option
 * for it; two decades is what step-decay recipes reach over a run (e.g. 0.1
 * twice), without cosine's drop to exactly 0.
 */
export const EXPONENTIAL_FINAL_FACTOR = 0.01;

/**
 * The learning rate of update `step` (0 for the first), as optax's
 * schedule(count), over a horizon of `steps` updates. Past the horizon (a
 * resumed run extended beyond its first run's steps) every schedule holds the
 * value it reached at the horizon: cosine 0, exponential lr/100.
 */
export function schedule(train: Pick<A.TrainDecl, 'lr' | 'schedule' | 'steps'>): (step: number) => number {
  const { lr, steps } = train;
  switch (train.schedule) {
    case 'constant':
      return () => lr;
    case 'cosine':
      // optax.cosine_decay_schedule(lr, decay_steps=steps, alpha=0, exponent=1).
      return (step) => {
        const t = Math.min(step, steps);
        return lr * (0.5 * (1 + Math.cos((Math.PI * t) / steps)));
      };
    case 'exponential':
      // optax.exponential_decay(lr, transition_steps=steps, decay_rate,
      // end_value=lr*decay_rate), not staircase: held from the horizon on.
      return (step) => lr * EXPONENTIAL_FINAL_FACTOR ** (Math.min(step, steps) / steps);
    default:
      return train.schedule satisfies never;
  }
}
