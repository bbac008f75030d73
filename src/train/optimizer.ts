// The optimizers of a `train` block, in float64, written as optax computes
// them (optax.adam, optax.adamw, optax.sgd, each after
// optax.clip_by_global_norm where the block clips) so that a run here and a
// float64 JAX run of the same configuration differ only by their random
// streams. Updates are pure: they return new arrays and never mutate their
// arguments, so an executor can keep the previous state by reference to undo
// a step.
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

export type OptimizerOf = Pick<A.TrainDecl, 'optimizer' | 'weightDecay' | 'clipNorm'>;

/** The state an optimizer keeps: adamw's is Adam's (optax.adamw chains scale_by_adam with stateless transforms). */
export function stateKind(kind: A.TrainDecl['optimizer']): OptState['kind'] {
  return kind === 'sgd' ? 'sgd' : 'adam';
}

export function optimizer(train: OptimizerOf): Optimizer {
  const inner = train.optimizer === 'sgd' ? sgd : adam(train.optimizer === 'adamw' ? (train.weightDecay ?? 0) : 0);
  const max = train.clipNorm;
  if (max === undefined) return inner;
  return { init: inner.init, update: (params, grads, state, lr) => inner.update(params, clipByGlobalNorm(grads, max), state, lr) };
}

/** optax.clip_by_global_norm: the gradients as they are below `max`, else scaled to global norm `max` (as optax writes it: g / norm * max). */
export function clipByGlobalNorm(grads: Params, max: number): Params {
  const norm = globalNorm(grads);
  if (norm < max) return grads;
  return new Map([...grads].map(([k, t]) => [k, { shape: t.shape, data: t.data.map((g) => (g / norm) * max) }]));
}

/** The l2 norm of every entry of every tensor together (optax.global_norm). */
export function globalNorm(p: Params): number {
  let sum = 0;
  for (const t of p.values()) for (const x of t.data) sum += x * x;
  return Math.sqrt(sum);
}

/**
 * optax.adam, or with `weightDecay` optax.adamw (add_decayed_weights between
 * scale_by_adam and the learning rate): weightDecay * p joins Adam's update
 * before the rate scales it. Without it Adam's update is left exactly as it was.
 */
const adam = (weightDecay: number): Optimizer => ({
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
        const scaled = m[i]! / c1 / (Math.sqrt(v[i]! / c2) + eps);
        const u = weightDecay ? scaled + weightDecay * p.data[i]! : scaled;
        out[i] = p.data[i]! + -lr * u;
      }
      next.set(name, { shape: p.shape, data: out });
      mu.set(name, { shape: p.shape, data: m });
      nu.set(name, { shape: p.shape, data: v });
    }
    return { params: next, state: { kind: 'adam', count, mu, nu } };
  },
});

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
