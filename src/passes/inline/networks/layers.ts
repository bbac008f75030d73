// The layers every network family is written with, over Emit: a convolution
// with its bias (declaring both parameters), a group norm, an activation, a
// skip's sum.
// A layer declares its parameters as it reads them, so a family's code is
// the one place its parameter names, shapes and fan-ins are written.
import type * as A from '../../../dsl/ast.js';
import type { ConvAttrs } from '../../../ir/op-attrs.js';
import { opDef } from '../../../ops/registry.js';
import type { Emit } from '../emit.js';

/**
 * How a parameter starts: uniform in ±1/√fanIn, fanIn its layer's inputs per
 * output (equinox's default for convolutions and linear layers), at a
 * constant (a group norm's scale 1 and shift 0), or normal with standard
 * deviation `std` (a spectral convolution's weights).
 */
export type ParamInit = { fanIn: number } | { value: number } | { std: number };

/** The id of parameter `name` of the given shape, declared to start as `init` says. */
export type Param = (name: string, shape: number[], init: ParamInit) => string;

/** Names of a convolution's two nodes: the product and, with a bias, the sum. */
interface ConvNames {
  conv: string;
  bias: string;
}

/** equinox.nn.GroupNorm's eps. */
const GROUP_NORM_EPS = 1e-5;

export class Layers {
  constructor(
    readonly e: Emit,
    private readonly param: Param,
    private readonly net: { padding: A.Padding; activation: A.Activation; norm?: A.Norm },
  ) {}

  channels(h: string): number {
    return this.e.shape(h)[1] as number;
  }

  /**
   * y = conv(w, b)(h) with weight `<path>.weight` [out, I, k…] and bias
   * `<path>.bias` [out], both initialised with F = I · k^D (equinox).
   */
  conv(path: string, h: string, out: number, k: number, opts: { dilation?: number; stride?: 2; upsample?: 2; bias?: boolean; names?: ConvNames } = {}): string {
    const shape = this.e.shape(h);
    const I = shape[1] as number;
    const D = shape.length - 2;
    const init = { fanIn: I * k ** D };
    const w = this.param(`${path}.weight`, [out, I, ...Array<number>(D).fill(k)], init);
    const attrs: ConvAttrs = {
      padding: this.net.padding,
      ...(opts.dilation !== undefined && opts.dilation !== 1 && { dilation: opts.dilation }),
      ...(opts.stride && { stride: opts.stride }),
      ...(opts.upsample && { upsample: opts.upsample }),
    };
    const names = opts.names ?? { conv: path, bias: `${path}.biased` };
    const y = this.e.op(names.conv, 'conv', [h, w], opDef('conv').shape([shape, this.e.shape(w)], attrs), attrs);
    if (opts.bias === false) return y;
    return this.e.op(names.bias, 'bias_add', [y, this.param(`${path}.bias`, [out], init)], this.e.shape(y));
  }

  /** The network's activation, or `act` where given (a final activation). */
  act(name: string, h: string, act: A.Activation = this.net.activation): string {
    return activate(this.e, name, act, h);
  }

  /**
   * PDEquinox's GroupNorm with one group where the network has `norm group`
   * (networks.md §8), else h itself: per sample, (h − mean) / √(var + 1e-5)
   * over every channel and point (the biased variance), then γ_c · x + β_c
   * with `<path>.weight` γ from 1 and `<path>.bias` β from 0.
   */
  norm(path: string, h: string): string {
    if (this.net.norm !== 'group') return h;
    const e = this.e;
    const shape = e.shape(h);
    const C = shape[1] as number;
    const space = shape.slice(1).map((_, j) => j + 1);
    const spread = (name: string, v: string, axes: number[]) => e.op(name, 'broadcast', [v], shape, { shape: shape.map((d) => (d === 'B' ? -1 : d)), axes });
    const perSample = (name: string, v: string) => e.op(name, 'mean', [v], [shape[0]!], { axes: space });
    const centred = e.binary(`${path}.centred`, 'sub', h, spread(`${path}.mean`, perSample(`${path}.mean_s`, h), space));
    const variance = perSample(`${path}.var`, e.unary(`${path}.sq`, 'square', centred));
    const std = e.unary(`${path}.std`, 'sqrt', e.binary(`${path}.var_eps`, 'add', variance, e.fill(`${path}.eps`, variance, GROUP_NORM_EPS)));
    const normed = e.binary(`${path}.normed`, 'div', centred, spread(`${path}.std_all`, std, space));
    const gamma = spread(`${path}.gamma`, this.param(`${path}.weight`, [C], { value: 1 }), [0, ...space.slice(1)]);
    return e.op(`${path}.affine`, 'bias_add', [e.binary(`${path}.scaled`, 'mul', normed, gamma), this.param(`${path}.bias`, [C], { value: 0 })], shape);
  }

  add(name: string, a: string, b: string): string {
    return this.e.binary(name, 'add', a, b);
  }
}

/** act(h): swish (silu) as h * sigmoid(h), whose VJP the two ops give; none as h itself. */
export function activate(e: Emit, name: string, act: A.Activation, h: string): string {
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
