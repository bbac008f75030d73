// networks.md §2: a plain stack, h_l = a(conv_l(h_{l-1})), no activation
// after the last layer but the final one; and the MLP on the flattened
// state. Both name layer l's parameters `layers.<l>.weight` and `.bias`.
import type * as A from '../../../dsl/ast.js';
import { stackChannels } from '../../../dsl/network-shape.js';
import type { Emit } from '../emit.js';
import { activate, Layers, type Param } from './layers.js';

export function emitStack(e: Emit, net: A.ConvNet, x: string, param: Param): string {
  const L = new Layers(e, param, net);
  const channels = stackChannels(net, L.channels(x));
  let h = x;
  for (let l = 0; l + 1 < channels.length; l++) {
    h = L.conv(`layers.${l}`, h, channels[l + 1]!, net.kernel, { bias: net.bias, names: { conv: `conv${l}`, bias: `bias${l}` } });
    h = L.act(`act${l}`, h, l + 2 < channels.length ? net.activation : net.finalActivation);
  }
  return h;
}

/** An MLP on the state flattened per sample: layer l is dense with weight [out, in], F = in. */
export function emitMlp(e: Emit, net: A.Mlp, x: string, param: Param): string {
  const state = e.shape(x);
  const d = state.slice(1).reduce<number>((a, v) => a * (v as number), 1);
  const widths = [d, ...Array<number>(net.depth).fill(net.width), d];
  let h = e.op('flat', 'reshape', [x], ['B', d], { shape: [-1, d] });
  for (let l = 0; l + 1 < widths.length; l++) {
    const [win, wout] = [widths[l]!, widths[l + 1]!];
    h = e.op(`dense${l}`, 'dense', [h, param(`layers.${l}.weight`, [wout, win], { fanIn: win })], ['B', wout]);
    if (net.bias) h = e.op(`bias${l}`, 'bias_add', [h, param(`layers.${l}.bias`, [wout], { fanIn: win })], e.shape(h));
    h = activate(e, `act${l}`, l + 2 < widths.length ? net.activation : net.finalActivation, h);
  }
  return e.op('unflat', 'reshape', [h], state, { shape: state.map((v) => (v === 'B' ? -1 : v)) });
}
