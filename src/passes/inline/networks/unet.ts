// networks.md §4: PDEquinox's ClassicUNet. Widths c_l = width · 2^l; going
// down a level is a stride-2 kernel-3 convolution, going up a kernel-3
// convolution of the field zero-inserted (one op, conv with upsample 2, whose
// kernels skip the zeros); the skip joins *before* the upsampled field in the
// channels, as PDEquinox concatenates it.
import type * as A from '../../../dsl/ast.js';
import { ioChannels } from '../../../dsl/network-shape.js';
import type { Emit } from '../emit.js';
import { Layers, type Param } from './layers.js';

/** PDEquinox fixes the sampling convolutions' kernel at 3; `kernel` sets only the double convolutions. */
const SAMPLING_KERNEL = 3;

export function emitUNet(e: Emit, net: A.UNet, x: string, param: Param): string {
  const L = new Layers(e, param, net);
  const [, cout] = ioChannels(net, L.channels(x));
  const c = (l: number) => net.width * 2 ** l;
  /** DC(p → q) = a(norm_2(conv_2(a(norm_1(conv_1(h)))))), activated after both; each norm only with `norm group`. */
  const double = (path: string, h: string, q: number) => {
    const u = L.act(`${path}.act_1`, L.norm(`${path}.norm_1`, L.conv(`${path}.conv_1`, h, q, net.kernel)));
    return L.act(`${path}.act_2`, L.norm(`${path}.norm_2`, L.conv(`${path}.conv_2`, u, q, net.kernel)));
  };
  let h = double('lifting', x, c(0));
  const skips: string[] = [];
  for (let l = 1; l <= net.levels; l++) {
    skips.push(h);
    h = L.conv(`down_sampling_blocks.${l - 1}`, h, c(l - 1), SAMPLING_KERNEL, { stride: 2 });
    h = double(`left_arc_blocks.${l - 1}.0`, h, c(l));
  }
  for (let l = net.levels; l >= 1; l--) {
    const up = `up_sampling_blocks.${l - 1}`;
    h = L.conv(up, h, c(l - 1), SAMPLING_KERNEL, { upsample: 2 });
    const skip = skips[l - 1]!;
    const joined = e.shape(skip).map((d, i) => (i === 1 ? 2 * c(l - 1) : d));
    h = e.op(`right_arc_blocks.${l - 1}.concat`, 'concat', [skip, h], joined, { axis: 1 });
    h = double(`right_arc_blocks.${l - 1}.0`, h, c(l - 1));
  }
  return L.act('projection.act', L.conv('projection', h, cout, 1), net.finalActivation);
}
