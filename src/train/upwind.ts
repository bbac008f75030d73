// Trainax's quickstart measure: a two-weight convolution trained on 1D
// advection should learn the first-order upwind stencil. With CFL c < 0 and a
// SAME-padded kernel 2 (out[i] = w0 u[i] + w1 u[i+1]) that stencil is
// [1 + c, -c]; the distance is the L2 norm of the difference.
import type * as A from '../dsl/ast.js';
import { GENERATOR_PARAMS, SystemParams } from '../data/params.js';
import type { Params } from '../runtime/params.js';

export interface UpwindDistance {
  cfl: number;
  kernel: number[];
  stencil: number[];
  distance: number;
}

/** Only for the quickstart's emulator (conv 1 -> 1, kernel 2, no bias) on generated 1-D advection data. */
export function upwindDistance(spec: A.Spec, params: Params): UpwindDistance | undefined {
  const emu = spec.emulator;
  const data = spec.data;
  if (emu?.kind !== 'conv' || emu.hidden.length > 0 || emu.kernel !== 2 || emu.bias) return undefined;
  if (data?.kind !== 'generator' || data.generator !== 'advection' || data.dims !== 1) return undefined;
  return distanceToUpwind([...params.get('layers.0.weight')!.data], SystemParams.of(GENERATOR_PARAMS, 'advection', data.params).perAxis('cfl', 1)[0]!);
}

export function distanceToUpwind(kernel: readonly number[], cfl: number): UpwindDistance {
  const stencil = [1 + cfl, -cfl];
  const distance = Math.hypot(kernel[0]! - stencil[0]!, kernel[1]! - stencil[1]!);
  return { cfl, kernel: [...kernel], stencil, distance };
}
