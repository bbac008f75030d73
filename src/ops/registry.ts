// Every op the compiler knows, by name. Adding an op: its attributes in
// ir/op-attrs.ts, its file here in ops/, and one line below; the type of
// `ops` rejects a kind without a definition or a definition under another
// kind's name.
import { abs } from './abs.js';
import { add } from './add.js';
import { bias_add } from './bias_add.js';
import { broadcast } from './broadcast.js';
import { call } from './call.js';
import { circconv } from './circconv.js';
import { concat } from './concat.js';
import { constant } from './const.js';
import { conv } from './conv.js';
import { conv_t } from './conv_t.js';
import { conv_w } from './conv_w.js';
import { dense } from './dense.js';
import { dense_t } from './dense_t.js';
import { dense_w } from './dense_w.js';
import { div } from './div.js';
import { gelu } from './gelu.js';
import { input } from './input.js';
import { irfft } from './irfft.js';
import { loss } from './loss.js';
import { mean } from './mean.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import type { OpName } from '../ir/op-attrs.js';
import type { OpDef } from './op.js';
import { relu } from './relu.js';
import { reshape } from './reshape.js';
import { rfft } from './rfft.js';
import { scale } from './scale.js';
import { shift } from './shift.js';
import { sigmoid } from './sigmoid.js';
import { sign } from './sign.js';
import { slice } from './slice.js';
import { spectral_mix } from './spectral_mix.js';
import { spectral_mix_t } from './spectral_mix_t.js';
import { spectral_mix_w } from './spectral_mix_w.js';
import { spectral_scale } from './spectral_scale.js';
import { sqrt } from './sqrt.js';
import { square } from './square.js';
import { stop_gradient } from './stop_gradient.js';
import { sub } from './sub.js';
import { subsample } from './subsample.js';
import { sum } from './sum.js';
import { tanh } from './tanh.js';
import { weighted_sum } from './weighted_sum.js';
import { zero_insert } from './zero_insert.js';

export const ops: { readonly [K in OpName]: OpDef<K> } = {
  // leaves and chain-level ops
  input, const: constant, call, stop_gradient, loss, weighted_sum,
  // elementwise
  add, sub, mul, div, neg, scale, square, abs, sign, relu, tanh, gelu, sigmoid, sqrt,
  // layers, each with its transposes in input and weight
  conv, conv_t, conv_w, dense, dense_t, dense_w, bias_add,
  // along an axis
  shift, circconv, reshape, slice, concat,
  // on every spatial axis
  zero_insert, subsample,
  // Fourier transforms, a Fourier layer's channel mix, a factor per mode
  rfft, irfft, spectral_mix, spectral_mix_t, spectral_mix_w, spectral_scale,
  // reductions and their transpose
  sum, mean, broadcast,
};

export function opDef<K extends OpName>(name: K): OpDef<K> {
  return ops[name];
}
