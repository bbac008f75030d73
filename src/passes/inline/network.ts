// Networks as primitives. Parameters are graph inputs named by PDEquinox's
// attribute paths (networks.md: `layers.<i>.weight`, `blocks.<b>.conv_1.bias`,
// …), shared by every call of the emulator. Each family's file in networks/
// emits its ops and declares its parameters as it reads them, so the list of
// parameters is the emission's, run once on a scratch graph.
import type * as A from '../../dsl/ast.js';
import { GraphBuilder } from '../../ir/graph.js';
import { Emit } from './emit.js';
import type { Param, ParamInit } from './networks/layers.js';
import { emitFno } from './networks/fno.js';
import { emitDilated, emitResNet } from './networks/resnet.js';
import { emitMlp, emitStack } from './networks/stack.js';
import { emitUNet } from './networks/unet.js';

export type ParamDecl = { name: string; shape: number[] } & ParamInit;

/** Emits net(x); `param` gives the id of a parameter input. */
export function emitNetwork(e: Emit, net: A.Network, x: string, param: Param): string {
  switch (net.kind) {
    case 'conv':
      return emitStack(e, net, x, param);
    case 'resnet':
      return emitResNet(e, net, x, param);
    case 'dilated':
      return emitDilated(e, net, x, param);
    case 'unet':
      return emitUNet(e, net, x, param);
    case 'fno':
      return emitFno(e, net, x, param);
    case 'mlp':
      return emitMlp(e, net, x, param);
    default:
      return net satisfies never;
  }
}

/** The parameters of a network acting on states of shape [B, ...snapshot], in PDEquinox's pytree order. */
export function networkParams(net: A.Network, snapshot: readonly number[]): ParamDecl[] {
  const b = new GraphBuilder('parameters');
  const decls: ParamDecl[] = [];
  const param: Param = (name, shape, init) => {
    decls.push({ name, shape, ...init });
    return b.add(name, 'input', [], shape);
  };
  emitNetwork(new Emit(b, ''), net, b.add('x', 'input', [], ['B', ...snapshot]), param);
  return pytreeOrder(decls);
}

/**
 * Every attribute name of the families' modules, each module's in the order
 * equinox flattens it (its fields' declaration order): the top level
 * (ConvNet, ClassicResNet, ClassicUNet, DilatedResNet, ClassicFNO), then
 * the blocks' (DilatedResBlock declares its norms before its convolutions;
 * ClassicResBlock and ClassicDoubleConvBlock interleave them;
 * ClassicSpectralBlock its spectral convolution before its bypass), then a
 * layer's (SpectralConv its real part before its imaginary one).
 */
const FIELDS = [
  'layers', 'lifting', 'down_sampling_blocks', 'left_arc_blocks', 'up_sampling_blocks', 'right_arc_blocks', 'blocks', 'projection',
  'norm_layers', 'conv_layers', 'conv_1', 'norm_1', 'conv_2', 'norm_2', 'spectral_conv', 'by_pass_conv',
  'weights_real', 'weights_imag', 'weight', 'bias',
];

/** PDEquinox's pytree order: paths compared part by part, list indices as numbers and names in FIELDS' order. */
function pytreeOrder(decls: ParamDecl[]): ParamDecl[] {
  const rank = (part: string) => (/^\d+$/.test(part) ? Number(part) : FIELDS.indexOf(part));
  return [...decls].sort((a, b) => {
    const [pa, pb] = [a.name.split('.'), b.name.split('.')];
    const at = pa.findIndex((part, i) => part !== pb[i]);
    return at < 0 ? 0 : rank(pa[at]!) - rank(pb[at]!);
  });
}
