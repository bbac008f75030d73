// Networks as primitives. Parameters are graph inputs named as in the
// parameter files (`layers.<i>.weight`, `layers.<i>.bias`, i counting the
// parameterised layers from 0), shared by every call of the emulator.
import type * as A from '../../dsl/ast.js';
import type { Shape } from '../../ir/graph.js';
import type { Emit } from './emit.js';

export interface ParamDecl {
  name: string;
  shape: number[];
  /** Inputs per output: the fan-in of the layer's default initialisation. */
  fanIn: number;
}

/** The parameters of a network acting on states of shape [B, ...snapshot]. */
export function networkParams(net: A.Network, snapshot: readonly number[]): ParamDecl[] {
  const out: ParamDecl[] = [];
  const layer = (i: number, w: number[], fanIn: number, biasSize: number, bias: boolean) => {
    out.push({ name: `layers.${i}.weight`, shape: w, fanIn });
    if (bias) out.push({ name: `layers.${i}.bias`, shape: [biasSize], fanIn });
  };
  if (net.kind === 'conv1d') {
    for (let i = 0; i + 1 < net.channels.length; i++) {
      const [cin, cout] = [net.channels[i]!, net.channels[i + 1]!];
      layer(i, [cout, cin, net.kernel], cin * net.kernel, cout, net.bias);
    }
    return out;
  }
  const d = snapshot.reduce((a, x) => a * x, 1);
  const widths = [d, ...Array<number>(net.depth).fill(net.width), d];
  for (let i = 0; i + 1 < widths.length; i++) layer(i, [widths[i + 1]!, widths[i]!], widths[i]!, widths[i + 1]!, net.bias);
  return out;
}

/** act(h): swish (silu) as h * sigmoid(h), whose VJP the two ops give; none as h itself. */
function activate(e: Emit, name: string, act: A.Activation, h: string): string {
  switch (act) {
    case 'none':
      return h;
    case 'swish':
      return e.op(name, 'mul', [h, e.unary(`${name}.sigmoid`, 'sigmoid', h)], e.shape(h));
    case 'relu':
    case 'tanh':
    case 'gelu':
    case 'sigmoid':
      return e.unary(name, act, h);
    default:
      return act satisfies never;
  }
}

/** Emits net(x); `param(name)` gives the id of a parameter input. */
export function emitNetwork(e: Emit, net: A.Network, x: string, param: (name: string) => string): string {
  const state: Shape = e.shape(x);
  const layers = net.kind === 'conv1d' ? net.channels.length - 1 : net.depth + 1;
  let h = x;
  if (net.kind === 'mlp') {
    const d = state.slice(1).reduce<number>((a, v) => a * (v as number), 1);
    h = e.op('flat', 'reshape', [h], ['B', d], { shape: [-1, d] });
  }
  for (let i = 0; i < layers; i++) {
    const w = param(`layers.${i}.weight`);
    const wShape = e.shape(w) as number[];
    h =
      net.kind === 'conv1d'
        ? e.op(`conv${i}`, 'conv', [h, w], ['B', wShape[0]!, state[2]!], { padding: net.padding })
        : e.op(`dense${i}`, 'dense', [h, w], ['B', wShape[0]!]);
    if (net.bias) h = e.op(`bias${i}`, 'bias_add', [h, param(`layers.${i}.bias`)], e.shape(h));
    h = activate(e, `act${i}`, i + 1 < layers ? net.activation : net.finalActivation, h);
  }
  if (net.kind === 'mlp') h = e.op('unflat', 'reshape', [h], state, { shape: state.map((d) => (d === 'B' ? -1 : d)) });
  return h;
}
