// The training step in TensorFlow.js (tfjs-core with its WebGPU backend or
// its pure-JS CPU backend; not tfjs-node): the rollout under
// `optimizer.minimize`, i.e. tf.variableGrads then tf.train.adam's update,
// which is optax's Adam (bias correction by 1 - beta^t, eps outside the
// square root) once eps is set to optax's 1e-8 (TF.js defaults to 1e-7).
//
// TF.js convolutions are channels-last, so states live as [batch, points…,
// channels] and convolution weights as [kernel…, in, out]; the parameters are
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
import { ADAM, Unavailable, evalExpr } from '../peer.js';
import type { NetOps } from './convnets.js';
import { convNet } from './convnets.js';
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
      if (w.net.kind === 'fno' || w.burgers)
        throw new Unavailable(
          `TF.js registers no gradient for its complex ops (tf.spectral's rfft and irfft run through Real, Imag, Complex and FFT, none of which has one: "gradient function not found for Real"), so it cannot train through ${w.burgers ? 'the spectral Burgers solver' : 'a spectral convolution'}`,
        );
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

/** A txc array as TF.js's, channels-last: a state [B, C, N…] as [B, N…, C], a weight [O, I, k…] as [k…, I, O]. */
function put(t: TxTensor, perm?: number[]): tf.Tensor {
  const x = tf.tensor(Float32Array.from(t.data), [...t.shape]);
  if (!perm) return x;
  const y = tf.transpose(x, perm);
  x.dispose();
  return y;
}

const axes = (rank: number) => Array.from({ length: rank }, (_, d) => d);

function prepare(w: Workload): Run<tf.Scalar> {
  const spatial = w.net.kind !== 'mlp';
  const vars = new Map<string, tf.Variable>();
  for (const [name, t] of w.init) {
    // Convolution weights (rank 3 and up) go channels-last; dense weights [out, in] and biases stay.
    const r = t.shape.length;
    const x = put(t, spatial && r >= 3 ? [...axes(r).slice(2), 1, 0] : undefined);
    vars.set(name, tf.variable(x, true, `${w.id}/${name}`));
    x.dispose();
  }
  const pool = w.levels.map((levels) => levels.map((t) => put(t, spatial ? [0, ...axes(t.shape.length).slice(2), 1] : undefined)));
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
  const ref = w.reference;
  if (!ref) throw new Error('internal: prepare refuses the spectral reference');
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
  if (net.kind === 'fno') throw new Error('internal: prepare refuses the FNO');
  if (net.kind !== 'mlp') return convNet(net, netOps(param), x);
  const state = x.shape;
  const d = state.slice(1).reduce((a, b) => a * b, 1);
  let h = tf.reshape(x, [-1, d]) as tf.Tensor2D;
  const layers = net.depth + 1;
  for (let i = 0; i < layers; i++) {
    h = tf.matMul(h, param(`layers.${i}.weight`) as tf.Tensor2D, false, true);
    if (net.bias) h = tf.add(h, param(`layers.${i}.bias`));
    if (i + 1 < layers) h = activation(net.activation, h);
  }
  return tf.reshape(h, state);
}

/** Channels-last: fields [B, N…, C], weights [k…, I, O]; spatial axis j is axis 1 + j. */
function netOps(param: (name: string) => tf.Tensor): NetOps<tf.Tensor> {
  const slice = (h: tf.Tensor, axis: number, lo: number, hi: number) =>
    tf.slice(h, h.shape.map((_, d) => (d === axis ? lo : 0)), h.shape.map((_, d) => (d === axis ? hi - lo : -1)));
  return {
    keep: (h) => h,
    dims: (h) => h.rank - 2,
    pad(h, j, lo, hi, padding) {
      const axis = 1 + j;
      if (padding === 'zero') return tf.pad(h, h.shape.map((_, d): [number, number] => (d === axis ? [lo, hi] : [0, 0])));
      const n = h.shape[axis]!;
      return tf.concat([...(lo ? [slice(h, axis, n - lo, n)] : []), h, ...(hi ? [slice(h, axis, 0, hi)] : [])], axis);
    },
    conv(h, name, stride) {
      const w = param(name);
      switch (h.rank) {
        case 3:
          return tf.conv1d(h as tf.Tensor3D, w as tf.Tensor3D, stride, 'valid');
        case 4:
          return tf.conv2d(h as tf.Tensor4D, w as tf.Tensor4D, stride, 'valid');
        case 5:
          return tf.conv3d(h as tf.Tensor5D, w as tf.Tensor5D, stride, 'valid');
        default:
          throw new Error(`TF.js convolves 1 to 3 spatial axes, not ${h.rank - 2}`);
      }
    },
    bias: (h, name) => tf.add(h, param(name)),
    act: (h, a) => activation(a, h),
    add: (a, b) => tf.add(a, b),
    concat: (a, b) => tf.concat([a, b], -1),
    zeroInsert(h) {
      // Per axis: a unit axis after it, padded to 2 with a zero, merged back; seen as
      // [before, n, 1, after], as the WebGPU backend pads only up to rank 4 (its
      // PadProgram writes a vec5 that WGSL cannot index).
      for (let axis = 1; axis + 1 < h.rank; axis++) {
        const s = h.shape;
        const size = (xs: number[]) => xs.reduce((a, b) => a * b, 1);
        const unit = tf.reshape(h, [size(s.slice(0, axis)), s[axis]!, 1, size(s.slice(axis + 1))]);
        h = tf.reshape(tf.pad(unit, [[0, 0], [0, 0], [0, 1], [0, 0]]), [...s.slice(0, axis), 2 * s[axis]!, ...s.slice(axis + 1)]);
      }
      return h;
    },
  };
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
