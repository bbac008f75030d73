// networks.md §6: PDEquinox's ClassicFNO. Pointwise lifting to `width`
// channels, blocks h = a(S(h) + bypass(h)) with S the spectral convolution
// and the bypass a pointwise convolution, pointwise projection; nothing is
// padded (S is periodic, the rest pointwise).
import type * as A from '../../../dsl/ast.js';
import { ioChannels } from '../../../dsl/network-shape.js';
import { opDef } from '../../../ops/registry.js';
import { modesOf, weightShape } from '../../../ops/spectral-modes.js';
import type { Emit } from '../emit.js';
import { Layers, type Param } from './layers.js';

export function emitFno(e: Emit, net: A.Fno, x: string, param: Param): string {
  // Every convolution here is pointwise, which no padding changes.
  const L = new Layers(e, param, { padding: 'circular', activation: net.activation });
  const [, cout] = ioChannels(net, L.channels(x));
  let h = L.conv('lifting', x, net.width, 1);
  for (let b = 0; b < net.blocks; b++) {
    const p = `blocks.${b}`;
    const sum = L.add(`${p}.sum`, spectralConv(e, param, `${p}.spectral_conv`, h, net.modes), L.conv(`${p}.by_pass_conv`, h, net.width, 1));
    h = L.act(`${p}.act`, sum);
  }
  return L.act('projection.act', L.conv('projection', h, cout, 1), net.finalActivation);
}

/**
 * S(h) = irfft(mix(rfft(h))) over every space axis, the mix W → W at the
 * kept modes with the complex weight `weights_real + i·weights_imag`, each
 * part [G, W, W, M…] drawn from N(0, 1) / W² (PDEquinox's SpectralConv); the
 * op reads them as one complex weight, the parts stacked on a last axis.
 */
function spectralConv(e: Emit, param: Param, path: string, h: string, M: number): string {
  const field = e.shape(h);
  const D = field.length - 2;
  const W = field[1] as number;
  const spectrum = opDef('rfft').shape([field], { dims: D });
  const complex = weightShape(modesOf(spectrum, M, 'fno'), W, W) as number[];
  const part = complex.slice(0, -1);
  const parts = ['weights_real', 'weights_imag'].map((name) =>
    e.op(`${path}.${name}.part`, 'reshape', [param(`${path}.${name}`, part, { std: 1 / (W * W) })], [...part, 1], { shape: [...part, 1] }),
  );
  const weight = e.op(`${path}.weight`, 'concat', parts, complex, { axis: part.length });
  const X = e.op(`${path}.spectrum`, 'rfft', [h], spectrum, { dims: D });
  const Y = e.op(`${path}.mix`, 'spectral_mix', [X, weight], spectrum);
  return e.op(path, 'irfft', [Y], field, { dims: D, n: field.at(-1) as number });
}
