// The convolutional emulators as the peers build them, written once over a
// library's primitives (NetOps) so that jax-js and TF.js run the same
// network: txc's layer order, skips, channel joins, strides and padding
// (src/passes/inline/networks/), with txc's parameter names. Libraries pad
// only with zeros, so every convolution here is unpadded (VALID) after an
// explicit SAME pad that wraps where the network is circular.
import type * as A from '../../src/dsl/ast.js';
import { samePads } from '../peer.js';

/** What a library gives the builder; T its array type, in whatever channel layout it prefers. */
export interface NetOps<T> {
  /** Another handle on h, for a value used twice (jax-js consumes its arguments; TF.js returns h). */
  keep(h: T): T;
  /** Spatial axes of h. */
  dims(h: T): number;
  /** h extended along spatial axis j by `lo` cells before and `hi` after: wrapped (circular) or zeros. */
  pad(h: T, j: number, lo: number, hi: number, padding: A.Padding): T;
  /** The unpadded cross-correlation with txc's weight `name` [O, I, k…], stride `stride` on every spatial axis. */
  conv(h: T, name: string, stride: 1 | 2): T;
  /** h plus txc's bias `name` [O] on every point. */
  bias(h: T, name: string): T;
  act(h: T, a: A.Activation): T;
  add(a: T, b: T): T;
  /** a's channels, then b's (PDEquinox's skip joins before the upsampled field). */
  concat(a: T, b: T): T;
  /** txc's zero_insert: z[2m] = h[m] on every spatial axis, zeros at the odd points. */
  zeroInsert(h: T): T;
}

/** PDEquinox fixes a UNet's down- and up-sampling kernels at 3 (unet.ts). */
const SAMPLING_KERNEL = 3;

export function convNet<T>(net: A.ConvNetwork, ops: NetOps<T>, x: T): T {
  if (net.kind !== 'conv' && net.norm !== 'none') throw new Error(`the peers implement ${net.kind} without group norms`);
  /** txc's Layers.conv: SAME-padded convolution `<path>.weight`, then its bias. */
  const conv = (path: string, h: T, k: number, opts: { stride?: 2; bias?: boolean } = {}) => {
    const [lo, hi] = samePads(k);
    if (k > 1) for (let j = 0; j < ops.dims(h); j++) h = ops.pad(h, j, lo, hi, net.padding);
    const y = ops.conv(h, `${path}.weight`, opts.stride ?? 1);
    return opts.bias === false ? y : ops.bias(y, `${path}.bias`);
  };
  const act = (h: T) => ops.act(h, net.activation);
  switch (net.kind) {
    case 'conv': {
      // stack.ts: activations between layers only (the final one is none).
      const layers = net.hidden.length + 1;
      let h = x;
      for (let l = 0; l < layers; l++) {
        h = conv(`layers.${l}`, h, net.kernel, { bias: net.bias });
        if (l + 1 < layers) h = act(h);
      }
      return h;
    }
    case 'resnet': {
      // resnet.ts: pointwise lifting, post-activation blocks a(conv_2(a(conv_1(h))) + h), pointwise projection.
      let h = conv('lifting', x, 1);
      for (let b = 0; b < net.blocks; b++) {
        const u = act(conv(`blocks.${b}.conv_1`, ops.keep(h), net.kernel));
        h = act(ops.add(conv(`blocks.${b}.conv_2`, u, net.kernel), h));
      }
      return conv('projection', h, 1);
    }
    case 'unet': {
      // unet.ts: double convolutions activated after both; down a level by a stride-2
      // convolution, up by a zero insertion and a convolution; the skip joins first.
      const double = (path: string, h: T) => act(conv(`${path}.conv_2`, act(conv(`${path}.conv_1`, h, net.kernel)), net.kernel));
      let h = double('lifting', x);
      const skips: T[] = [];
      for (let l = 1; l <= net.levels; l++) {
        skips.push(ops.keep(h));
        h = conv(`down_sampling_blocks.${l - 1}`, h, SAMPLING_KERNEL, { stride: 2 });
        h = double(`left_arc_blocks.${l - 1}.0`, h);
      }
      for (let l = net.levels; l >= 1; l--) {
        h = conv(`up_sampling_blocks.${l - 1}`, ops.zeroInsert(h), SAMPLING_KERNEL);
        h = double(`right_arc_blocks.${l - 1}.0`, ops.concat(skips[l - 1]!, h));
      }
      return conv('projection', h, 1);
    }
    case 'dilated':
      throw new Error('the peers run conv, resnet and unet networks, not dilated');
    default:
      throw new Error(`unknown network ${(net satisfies never as A.Network).kind}`);
  }
}
