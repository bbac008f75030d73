// networks.md §3 and §5: PDEquinox's ClassicResNet and DilatedResNet. Both
// lift pointwise to `width` channels, run residual blocks W → W (so the skip
// is the identity) and project pointwise back; they differ in the block.
import type * as A from '../../../dsl/ast.js';
import { ioChannels } from '../../../dsl/network-shape.js';
import type { Emit } from '../emit.js';
import { Layers, type Param } from './layers.js';

/** Lifting, the blocks (block(b, h) gives h after block b), projection with the final activation. */
function residual(L: Layers, net: A.ResNet | A.DilatedNet, x: string, block: (b: number, h: string) => string): string {
  const [, cout] = ioChannels(net, L.channels(x));
  let h = L.conv('lifting', x, net.width, 1);
  for (let b = 0; b < net.blocks; b++) h = block(b, h);
  return L.act('projection.act', L.conv('projection', h, cout, 1), net.finalActivation);
}

/** Block b: h = a(norm_2(conv_2(a(norm_1(conv_1(h))))) + h), post-activation; each norm only with `norm group`. */
export function emitResNet(e: Emit, net: A.ResNet, x: string, param: Param): string {
  const L = new Layers(e, param, net);
  return residual(L, net, x, (b, h) => {
    const p = `blocks.${b}`;
    const u = L.act(`${p}.act_1`, L.norm(`${p}.norm_1`, L.conv(`${p}.conv_1`, h, net.width, net.kernel)));
    return L.act(`${p}.act_2`, L.add(`${p}.sum`, L.norm(`${p}.norm_2`, L.conv(`${p}.conv_2`, u, net.width, net.kernel)), h));
  });
}

/**
 * Block b: u = a(conv_j(norm_j(u))) for each dilation d_j, the last one
 * activated too; then h = u + h, not activated. The norm (with `norm group`)
 * comes before each convolution, the first on the block's input.
 */
export function emitDilated(e: Emit, net: A.DilatedNet, x: string, param: Param): string {
  const L = new Layers(e, param, net);
  return residual(L, net, x, (b, h) => {
    const p = `blocks.${b}`;
    const layer = (u: string, d: number, j: number) => L.act(`${p}.act_${j}`, L.conv(`${p}.conv_layers.${j}`, L.norm(`${p}.norm_layers.${j}`, u), net.width, net.kernel, { dilation: d }));
    return L.add(`${p}.sum`, net.dilations.reduce(layer, h), h);
  });
}
