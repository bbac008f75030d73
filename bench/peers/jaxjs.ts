// The training step in jax-js (@jax-js/jax), the whole step — rollout, loss,
// gradient and Adam — under one `jit`, on its WebGPU or Wasm device.
//
// jax-js counts references: every function takes ownership of the arrays
// passed to it, so an array used twice is passed as `.ref` the first time.
// Parameters are used by every emulator call, hence `p[k].ref` throughout and
// `tree.dispose(p)` at the end of the loss.
import type { Array as JArray } from '@jax-js/jax';
import * as jax from '@jax-js/jax';
import type * as A from '../../src/dsl/ast.js';
import type { ExprOps, Peer, Run } from '../peer.js';
import { ADAM, Unavailable, evalExpr } from '../peer.js';
import type { NetOps } from './convnets.js';
import { convNet } from './convnets.js';
import { burgersTables } from './burgers.js';
import { burgersConsts, burgersStep, fno } from './spectral-jax.js';
import type { Workload } from '../workloads.js';

const { numpy: np, lax, nn, tree } = jax;

type Tree = Record<string, JArray>;
type State = { params: Tree; mu: Tree; nu: Tree; count: JArray };

export function jaxPeer(device: 'webgpu' | 'wasm'): Peer {
  return {
    name: 'jax-js',
    device,
    gpu: device === 'webgpu',
    async prepare(w) {
      const ready = await jax.init(device);
      if (!ready.includes(device))
        throw new Unavailable(
          device === 'webgpu' ? 'jax-js found no WebGPU adapter through navigator.gpu' : 'jax-js could not start its Wasm backend (no WebAssembly)',
        );
      jax.defaultDevice(device);
      return prepare(w, device);
    },
  };
}

function prepare(w: Workload, device: 'webgpu' | 'wasm'): Run<JArray> {
  const put = (t: { shape: readonly number[]; data: Float64Array }) => np.array(Float32Array.from(t.data), { shape: [...t.shape], device });
  let state: State = {
    params: Object.fromEntries([...w.init].map(([k, t]) => [k, put(t)])),
    mu: Object.fromEntries([...w.init].map(([k, t]) => [k, np.zeros([...t.shape], { device })])),
    nu: Object.fromEntries([...w.init].map(([k, t]) => [k, np.zeros([...t.shape], { device })])),
    count: np.zeros([], { device }),
  };
  const pool = w.levels.map((levels) => levels.map(put));
  // Constants of the loss (W8's solver tables), an argument of the jitted step like the minibatch.
  const consts: Tree = w.burgers ? burgersConsts(burgersTables(w.burgers), device) : {};
  const loss = lossFn(w);
  const { b1, b2, eps } = ADAM;
  const lr = w.lr;
  const step = jax.jit((s: State, xs: JArray[], k: Tree): [JArray, State] => {
    const [value, g] = jax.valueAndGrad(loss)(tree.ref(s.params), xs, k) as [JArray, Tree];
    // optax.adam: count is incremented before the bias correction.
    const count = s.count.add(1);
    const c1 = np.subtract(1, np.power(b1, count.ref));
    const c2 = np.subtract(1, np.power(b2, count.ref));
    const next: State = { params: {}, mu: {}, nu: {}, count };
    for (const k of Object.keys(s.params)) {
      const gk = g[k]!;
      const m = gk.ref.mul(1 - b1).add(s.mu[k]!.mul(b1));
      const v = np.square(gk).mul(1 - b2).add(s.nu[k]!.mul(b2));
      const u = m.ref.div(c1.ref).div(np.sqrt(v.ref.div(c2.ref)).add(eps));
      next.params[k] = s.params[k]!.add(u.mul(-lr));
      next.mu[k] = m;
      next.nu[k] = v;
    }
    c1.dispose();
    c2.dispose();
    return [value, next];
  });
  return {
    notes: [],
    step(i) {
      const [value, next] = step(state, tree.ref(pool[i % pool.length]!), tree.ref(consts));
      state = next;
      return value;
    },
    async read(losses) {
      if (losses.length === 1) return [...(await losses[0]!.data())];
      return [...(await np.stack(losses).data())];
    },
    dispose() {
      tree.dispose(state);
      tree.dispose(pool);
      tree.dispose(consts);
      step.dispose();
    },
  };
}

/** The configuration's loss of the parameters, the time levels of one minibatch and the loss's constants. */
function lossFn(w: Workload): (p: Tree, xs: JArray[], k: Tree) => JArray {
  const f = (p: Tree, x: JArray) => emulator(w.net, p, x);
  const mse = (a: JArray, b: JArray) => np.square(a.sub(b)).mean();
  const R = w.body.rollout;
  if (w.body.kind === 'supervised')
    return (p, xs, k) => {
      tree.dispose(k);
      let u = xs[0]!;
      let total: JArray | undefined;
      for (let t = 1; t <= R; t++) {
        u = f(p, u);
        const l = mse(u.ref, xs[t]!);
        total = total ? total.add(l) : l;
      }
      u.dispose();
      tree.dispose(p);
      return total!;
    };
  const burgers = w.burgers;
  const P = burgers ? (u: JArray, k: Tree) => burgersStep(u, k, burgers.substeps) : (u: JArray) => reference(w.reference!, u);
  return (p, xs, k) => {
    let main = xs[0]!;
    let total: JArray | undefined;
    for (let t = 1; t <= R; t++) {
      const r = P(main.ref, k);
      main = f(p, main);
      const l = mse(main.ref, r);
      total = total ? total.add(l) : l;
    }
    main.dispose();
    tree.dispose(p);
    tree.dispose(k);
    return total!;
  };
}

function emulator(net: A.Network, p: Tree, x: JArray): JArray {
  const param = (name: string) => p[name]!.ref;
  if (net.kind === 'fno') return fno(net, param, (h) => activation(net.activation, h), x);
  if (net.kind !== 'mlp') return convNet(net, netOps(param), x);
  const state = x.shape;
  const d = state.slice(1).reduce((a, b) => a * b, 1);
  let h = x.reshape([-1, d]);
  const layers = net.depth + 1;
  for (let i = 0; i < layers; i++) {
    h = np.matmul(h, param(`layers.${i}.weight`).transpose());
    if (net.bias) h = h.add(param(`layers.${i}.bias`));
    if (i + 1 < layers) h = activation(net.activation, h);
  }
  return h.reshape([-1, ...state.slice(1)]);
}

/** txc's layout throughout: fields [B, C, N…], weights [O, I, k…]; spatial axis j is axis 2 + j. */
function netOps(param: (name: string) => JArray): NetOps<JArray> {
  /** Index arguments of `slice` taking [lo, hi) along `axis` and everything elsewhere. */
  const along = (h: JArray, axis: number, lo: number, hi: number) => h.shape.map((_, d) => (d === axis ? ([lo, hi] as [number, number]) : ([] as [])));
  return {
    keep: (h) => h.ref,
    dims: (h) => h.ndim - 2,
    pad(h, j, lo, hi, padding) {
      const axis = 2 + j;
      if (padding === 'zero') return np.pad(h, { [axis]: [lo, hi] });
      const n = h.shape[axis]!;
      const before = lo ? [h.ref.slice(...along(h, axis, n - lo, n))] : [];
      const after = hi ? [h.ref.slice(...along(h, axis, 0, hi))] : [];
      return np.concatenate([...before, h, ...after], axis);
    },
    conv: (h, name, stride) => lax.convGeneralDilated(h, param(name), Array<number>(h.ndim - 2).fill(stride), 'VALID'),
    bias: (h, name) => h.add(param(name).reshape([-1, ...Array<number>(h.ndim - 2).fill(1)])),
    act: (h, a) => activation(a, h),
    add: (a, b) => a.add(b),
    concat: (a, b) => np.concatenate([a, b], 1),
    zeroInsert(h) {
      // Per axis: a new unit axis after it, padded to 2 with a zero, merged back.
      for (let axis = 2; axis < h.ndim; axis++) {
        const s = h.shape;
        const split = np.pad(h.reshape([...s.slice(0, axis + 1), 1, ...s.slice(axis + 1)]), { [axis + 1]: [0, 1] });
        h = split.reshape([...s.slice(0, axis), 2 * s[axis]!, ...s.slice(axis + 1)]);
      }
      return h;
    },
  };
}

function activation(a: A.Activation, h: JArray): JArray {
  switch (a) {
    case 'relu':
      return nn.relu(h);
    case 'tanh':
      return np.tanh(h);
    case 'sigmoid':
      return nn.sigmoid(h);
    case 'none':
      return h;
    case 'gelu':
      // txc's gelu is the tanh approximation (src/ops/gelu.ts).
      return nn.gelu(h, { approximate: true });
    case 'swish':
      throw new Error(`the jax-js peer does not implement ${a}`);
    default:
      throw new Error(`unknown activation ${a satisfies never}`);
  }
}

/** The reference stepper's expression on `u` (consumed). */
function reference(step: A.ExprStepper, u: JArray): JArray {
  type V = JArray | number;
  const bin = (f: (a: JArray | number, b: JArray | number) => JArray, g: (a: number, b: number) => number) => (a: V, b: V) =>
    typeof a === 'number' && typeof b === 'number' ? g(a, b) : f(a, b);
  const ops: ExprOps<JArray> = {
    use: () => u.ref,
    add: bin((a, b) => np.add(a, b), (a, b) => a + b),
    sub: bin((a, b) => np.subtract(a, b), (a, b) => a - b),
    mul: bin((a, b) => np.multiply(a, b), (a, b) => a * b),
    div: bin((a, b) => np.divide(a, b), (a, b) => a / b),
    neg: (a) => (typeof a === 'number' ? -a : np.negative(a)),
    shift: (a, k) => {
      // np.roll along space: out[i] = a[i - k].
      const n = a.shape.at(-1)!;
      const s = ((k % n) + n) % n;
      if (s === 0) return a;
      const last = a.ndim - 1;
      const idx = (lo: number, hi: number) => a.shape.map((_, d) => (d === last ? ([lo, hi] as [number, number]) : ([] as []))); 
      return np.concatenate([a.ref.slice(...idx(n - s, n)), a.slice(...idx(0, n - s))], last);
    },
  };
  const out = evalExpr(step, ops);
  u.dispose();
  return out;
}
