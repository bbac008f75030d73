// What the inlined families compute, against networks.md §3–5 written out
// with the naive convolution of test/ops/conv-reference.ts: the order of
// layers and activations, the post-activation of a resnet block, the
// un-activated sum of a dilated block, the UNet's skip joined first.
import { describe, expect, test } from 'vitest';
import type * as A from '../../src/dsl/ast.js';
import { network as net } from './network-helpers.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ops/op.js';
import { verify } from '../../src/ops/verify.js';
import { Emit } from '../../src/passes/inline/emit.js';
import { emitNetwork, networkParams } from '../../src/passes/inline/network.js';
import { evaluate } from '../../src/runtime/interpreter.js';
import { initParams, type Params } from '../../src/runtime/params.js';
import { naiveConv, naiveZeroInsert, type ConvCase } from '../ops/conv-reference.js';
import { random, relError, rng } from '../ops/helpers.js';


/** The network inlined on x, evaluated with its seeded initial parameters (those that start at a constant drawn too, so that they count). */
function inlined(n: A.Network, x: Tensor): { y: Tensor; p: Params } {
  const p = initParams(networkParams(n, x.shape.slice(1)).map((d) => ({ name: d.name, shape: d.shape, fanIn: 1 })), 3);
  const b = new GraphBuilder('net');
  const id = b.add('x', 'input', [], x.shape);
  const y = emitNetwork(new Emit(b, ''), n, id, (name, shape) => b.add(name, 'input', [], shape));
  const feeds = new Map([['x', x], ...p]);
  return { y: evaluate(verify(b.build([y])), feeds).get(y)!, p };
}

const map = (t: Tensor, f: (v: number, i: number) => number): Tensor => ({ shape: t.shape, data: t.data.map(f) });
const relu = (t: Tensor) => map(t, (v) => Math.max(v, 0));
const add = (a: Tensor, b: Tensor) => map(a, (v, i) => v + b.data[i]!);

/** conv with bias, the bias [O] added over batch and space. */
function layer(p: Params, path: string, x: Tensor, c: ConvCase): Tensor {
  const y = naiveConv(x, p.get(`${path}.weight`)!, c);
  const [O, points] = [y.shape[1]!, y.shape.slice(2).reduce((a, n) => a * n, 1)];
  return map(y, (v, i) => v + p.get(`${path}.bias`)!.data[Math.floor(i / points) % O]!);
}

/** equinox's GroupNorm(groups=1): per sample over channels and points, biased variance, eps 1e-5; then the affine. */
function groupNorm(p: Params, path: string, x: Tensor): Tensor {
  const [B, C] = [x.shape[0]!, x.shape[1]!];
  const per = x.data.length / B;
  const out = map(x, () => 0);
  for (let s = 0; s < B; s++) {
    const v = x.data.subarray(s * per, (s + 1) * per);
    const mean = v.reduce((a, b) => a + b, 0) / per;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / per;
    v.forEach((u, i) => {
      const c = Math.floor(i / (per / C));
      out.data[s * per + i] = p.get(`${path}.weight`)!.data[c]! * ((u - mean) / Math.sqrt(variance + 1e-5)) + p.get(`${path}.bias`)!.data[c]!;
    });
  }
  return out;
}

/** Channels of a first, then of b, per sample. */
function concat(a: Tensor, b: Tensor): Tensor {
  const [B, Ca, Cb] = [a.shape[0]!, a.shape[1]!, b.shape[1]!];
  const per = a.data.length / (B * Ca);
  const data = new Float64Array(a.data.length + b.data.length);
  for (let s = 0; s < B; s++) {
    data.set(a.data.subarray(s * Ca * per, (s + 1) * Ca * per), s * (Ca + Cb) * per);
    data.set(b.data.subarray(s * Cb * per, (s + 1) * Cb * per), (s * (Ca + Cb) + Ca) * per);
  }
  return { shape: [B, Ca + Cb, ...a.shape.slice(2)], data };
}

const field = (shape: number[]) => random(shape, rng(shape.length));

describe('the families compute networks.md', () => {
  test('resnet: lifting, a(conv_2(a(conv_1(h))) + h), projection', () => {
    const x = field([2, 1, 8]);
    const { y, p } = inlined(net('resnet { width 3  blocks 2  padding zero }'), x);
    const c: ConvCase = { padding: 'zero', dilation: 1, stride: 1 };
    let h = layer(p, 'lifting', x, c);
    for (const b of [0, 1]) h = relu(add(layer(p, `blocks.${b}.conv_2`, relu(layer(p, `blocks.${b}.conv_1`, h, c)), c), h));
    expect(relError(y.data, layer(p, 'projection', h, c).data)).toBeLessThan(1e-12);
  });

  test('norm group: after each convolution of a resnet block, before each of a dilated block', () => {
    const x = field([2, 1, 4, 6]);
    const c: ConvCase = { padding: 'circular', dilation: 1, stride: 1 };
    const res = inlined(net('resnet { width 3  blocks 1  norm group }'), x);
    const p = res.p;
    let h = layer(p, 'lifting', x, c);
    const u = relu(groupNorm(p, 'blocks.0.norm_1', layer(p, 'blocks.0.conv_1', h, c)));
    h = relu(add(groupNorm(p, 'blocks.0.norm_2', layer(p, 'blocks.0.conv_2', u, c)), h));
    expect(relError(res.y.data, layer(p, 'projection', h, c).data)).toBeLessThan(1e-12);
    const dil = inlined(net('dilated { width 2  blocks 1  dilations [1, 2]  norm group }'), x);
    const q = dil.p;
    const g = layer(q, 'lifting', x, c);
    const v0 = relu(layer(q, 'blocks.0.conv_layers.0', groupNorm(q, 'blocks.0.norm_layers.0', g), c));
    const v1 = relu(layer(q, 'blocks.0.conv_layers.1', groupNorm(q, 'blocks.0.norm_layers.1', v0), { ...c, dilation: 2 }));
    expect(relError(dil.y.data, layer(q, 'projection', add(v1, g), c).data)).toBeLessThan(1e-12);
  });

  test('dilated: every convolution activated, the sum not', () => {
    const x = field([2, 1, 6, 4]);
    const { y, p } = inlined(net('dilated { width 2  blocks 1  dilations [1, 2] }'), x);
    const c = (dilation: number): ConvCase => ({ padding: 'circular', dilation, stride: 1 });
    const h = layer(p, 'lifting', x, c(1));
    const u = relu(layer(p, 'blocks.0.conv_layers.1', relu(layer(p, 'blocks.0.conv_layers.0', h, c(1))), c(2)));
    expect(relError(y.data, layer(p, 'projection', add(u, h), c(1)).data)).toBeLessThan(1e-12);
  });

  test('unet: down by stride 2, up by zero insertion and conv, the skip first', () => {
    const x = field([2, 1, 4, 8]);
    const { y, p } = inlined(net('unet { width 2  levels 2 }'), x);
    const c = (stride: 1 | 2): ConvCase => ({ padding: 'circular', dilation: 1, stride });
    const dc = (path: string, h: Tensor) => relu(layer(p, `${path}.conv_2`, relu(layer(p, `${path}.conv_1`, h, c(1))), c(1)));
    const s0 = dc('lifting', x);
    const s1 = dc('left_arc_blocks.0.0', layer(p, 'down_sampling_blocks.0', s0, c(2)));
    let h = dc('left_arc_blocks.1.0', layer(p, 'down_sampling_blocks.1', s1, c(2)));
    h = dc('right_arc_blocks.1.0', concat(s1, layer(p, 'up_sampling_blocks.1', naiveZeroInsert(h), c(1))));
    h = dc('right_arc_blocks.0.0', concat(s0, layer(p, 'up_sampling_blocks.0', naiveZeroInsert(h), c(1))));
    expect(relError(y.data, layer(p, 'projection', h, c(1)).data)).toBeLessThan(1e-12);
  });
});
