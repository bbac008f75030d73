// The training step in TensorFlow.js (tfjs-core with its WebGPU backend or
// its pure-JS CPU backend; not tfjs-node): the rollout under
// `optimizer.minimize`, i.e. tf.variableGrads then tf.train.adam's update,
// which is optax's Adam (bias correction by 1 - beta^t, eps outside the
// square root) once eps is set to optax's 1e-8 (TF.js defaults to 1e-7).
//
// TF.js convolutions are channels-last, so states live as [batch, points,
// channels] and convolution weights as [kernel, in, out]; the parameters are
// transposed once, on upload.
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradients; the union package @tensorflow/tfjs imports this.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
// Registers the 'webgpu' backend only when navigator.gpu exists: bench/run.ts
// imports this module after installing Dawn's navigator.gpu.
import '@tensorflow/tfjs-backend-webgpu';
import type * as A from '../../src/dsl/ast.js';
import type { Tensor as TxTensor } from '../../src/ops/op.js';
import type { ExprOps, Peer, Run } from '../peer.js';
import { ADAM, Unavailable, evalExpr, samePads } from '../peer.js';
import type { Workload } from '../workloads.js';

// As a deployed app runs it: no debug checks, and no console hint to install
// tfjs-node (a native TensorFlow, not a peer here).
tf.enableProdMode();

export function tfPeer(backend: 'webgpu' | 'cpu'): Peer {
  return {
    name: 'TF.js',
    device: backend,
    gpu: backend === 'webgpu',
    async prepare(w) {
      if (!tf.findBackendFactory(backend))
        throw new Unavailable(`TF.js registered no '${backend}' backend${backend === 'webgpu' ? ' (navigator.gpu was missing when it loaded)' : ''}`);
      if (backend === 'webgpu') {
        const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
        if (!(await gpu?.requestAdapter())) throw new Unavailable('TF.js found no WebGPU adapter through navigator.gpu');
      }
      let ok = false;
      try {
        ok = await tf.setBackend(backend);
      } catch (e) {
        throw new Unavailable(`TF.js could not start its ${backend} backend: ${(e as Error).message}`);
      }
      if (!ok) throw new Unavailable(`TF.js could not start its ${backend} backend`);
      await tf.ready();
      return prepare(w);
    },
  };
}

/** A txc state [B, C, N] as TF.js's [B, N, C]; states without space stay [B, d]. */
function putState(t: TxTensor, spatial: boolean): tf.Tensor {
  const x = tf.tensor(Float32Array.from(t.data), [...t.shape]);
  if (!spatial) return x;
  const y = tf.transpose(x, [0, 2, 1]);
  x.dispose();
  return y;
}

function prepare(w: Workload): Run<tf.Scalar> {
  const spatial = w.net.kind === 'conv';
  const vars = new Map<string, tf.Variable>();
  for (const [name, t] of w.init) {
    const x = tf.tensor(Float32Array.from(t.data), [...t.shape]);
    // conv1d weights [out, in, k] -> TF's [k, in, out]; dense weights stay [out, in].
    const y = spatial && name.endsWith('.weight') ? tf.transpose(x, [2, 1, 0]) : x;
    vars.set(name, tf.variable(y, true, `${w.id}/${name}`));
    x.dispose();
    if (y !== x) y.dispose();
  }
  const pool = w.levels.map((levels) => levels.map((t) => putState(t, spatial)));
  const opt = tf.train.adam(w.lr, ADAM.b1, ADAM.b2, ADAM.eps);
  const varList = [...vars.values()];
  const loss = lossFn(w, (name) => vars.get(name)!);
  return {
    notes: [],
    step(i) {
      const xs = pool[i % pool.length]!;
      return opt.minimize(() => loss(xs), true, varList)!;
    },
    async read(losses) {
      if (losses.length === 1) {
        const v = await losses[0]!.data();
        losses[0]!.dispose();
        return [...v];
      }
      const s = tf.stack(losses);
      const v = await s.data();
      s.dispose();
      for (const l of losses) l.dispose();
      return [...v];
    },
    dispose() {
      opt.dispose();
      for (const v of varList) v.dispose();
      for (const xs of pool) for (const x of xs) x.dispose();
    },
  };
}

function lossFn(w: Workload, param: (name: string) => tf.Tensor): (xs: tf.Tensor[]) => tf.Scalar {
  const f = (x: tf.Tensor) => emulator(w.net, param, x);
  const mse = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.square(tf.sub(a, b))) as tf.Scalar;
  const R = w.body.rollout;
  if (w.body.kind === 'supervised')
    return (xs) => {
      let u = xs[0]!;
      let total: tf.Scalar | undefined;
      for (let t = 1; t <= R; t++) {
        u = f(u);
        const l = mse(u, xs[t]!);
        total = total ? (tf.add(total, l) as tf.Scalar) : l;
      }
      return total!;
    };
  const ref = w.reference!;
  return (xs) => {
    let main = xs[0]!;
    let total: tf.Scalar | undefined;
    for (let t = 1; t <= R; t++) {
      const r = reference(ref, main);
      main = f(main);
      const l = mse(main, r);
      total = total ? (tf.add(total, l) as tf.Scalar) : l;
    }
    return total!;
  };
}

function emulator(net: A.Network, param: (name: string) => tf.Tensor, x: tf.Tensor): tf.Tensor {
  if (net.kind === 'conv') {
    const layers = net.hidden.length + 1;
    const [left, right] = samePads(net.kernel);
    let h = x as tf.Tensor3D;
    for (let i = 0; i < layers; i++) {
      const wt = param(`layers.${i}.weight`) as tf.Tensor3D;
      if (net.padding === 'circular') {
        const n = h.shape[1];
        const parts: tf.Tensor3D[] = [];
        if (left) parts.push(tf.slice(h, [0, n - left, 0], [-1, left, -1]));
        parts.push(h);
        if (right) parts.push(tf.slice(h, [0, 0, 0], [-1, right, -1]));
        h = tf.conv1d(parts.length > 1 ? tf.concat(parts, 1) : h, wt, 1, 'valid');
      } else {
        const padded = tf.pad(h, [[0, 0], [left, right], [0, 0]]);
        h = tf.conv1d(padded, wt, 1, 'valid');
      }
      if (net.bias) h = tf.add(h, param(`layers.${i}.bias`));
      if (i + 1 < layers) h = activation(net.activation, h);
    }
    return h;
  }
  const state = x.shape;
  const d = state.slice(1).reduce((a, b) => a * b, 1);
  let h = tf.reshape(x, [-1, d]) as tf.Tensor2D;
  if (net.kind !== 'mlp') throw new Error(`the peers run conv and mlp emulators, not ${net.kind}`);
  const layers = net.depth + 1;
  for (let i = 0; i < layers; i++) {
    h = tf.matMul(h, param(`layers.${i}.weight`) as tf.Tensor2D, false, true);
    if (net.bias) h = tf.add(h, param(`layers.${i}.bias`));
    if (i + 1 < layers) h = activation(net.activation, h);
  }
  return tf.reshape(h, state);
}

function activation<T extends tf.Tensor>(a: A.Activation, h: T): T {
  switch (a) {
    case 'relu':
      return tf.relu(h);
    case 'tanh':
      return tf.tanh(h);
    case 'sigmoid':
      return tf.sigmoid(h);
    case 'none':
      return h;
    case 'gelu':
    case 'swish':
      throw new Error(`the TF.js peer does not implement ${a}`);
    default:
      throw new Error(`unknown activation ${a satisfies never}`);
  }
}

/** The reference stepper's expression on `u` ([B, N, C]: space is axis 1). */
function reference(step: A.ExprStepper, u: tf.Tensor): tf.Tensor {
  type V = tf.Tensor | number;
  const bin = (f: (a: V, b: V) => tf.Tensor, g: (a: number, b: number) => number) => (a: V, b: V) =>
    typeof a === 'number' && typeof b === 'number' ? g(a, b) : f(a, b);
  const ops: ExprOps<tf.Tensor> = {
    use: () => u,
    add: bin((a, b) => tf.add(a, b), (a, b) => a + b),
    sub: bin((a, b) => tf.sub(a, b), (a, b) => a - b),
    mul: bin((a, b) => tf.mul(a, b), (a, b) => a * b),
    div: bin((a, b) => tf.div(a, b), (a, b) => a / b),
    neg: (a) => (typeof a === 'number' ? -a : tf.neg(a)),
    shift: (a, k) => {
      // np.roll along space (axis 1 here): out[i] = a[i - k].
      const n = a.shape[1]!;
      const s = ((k % n) + n) % n;
      if (s === 0) return a;
      const begin = (i: number) => a.shape.map((_, d) => (d === 1 ? i : 0));
      const size = (m: number) => a.shape.map((_, d) => (d === 1 ? m : -1));
      return tf.concat([tf.slice(a, begin(n - s), size(s)), tf.slice(a, begin(0), size(n - s))], 1);
    },
  };
  return evalExpr(step, ops);
}
