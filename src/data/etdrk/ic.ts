// The initial-state laws of the spectral systems (scenarios §6), by the name
// `ic <law> { … }` gives them, and each system's law when the data block
// names none. A state's channels are independent draws of the law, one after
// the other (trajectory by trajectory, then channel by channel).
import type { InitialLaw } from '../../dsl/ast.js';
import type { Rng } from '../rng.js';
import type { Grid } from './grid.js';
import { blobsState, type BlobsIc } from './ic-blobs.js';
import { diffusedState, grfState, type DiffusedIc, type GrfIc } from './ic-noise.js';
import { FOURIER_DEFAULTS, fourierState, type FourierIc } from './initial.js';

export type Ic =
  | ({ readonly law: 'fourier' } & FourierIc)
  | ({ readonly law: 'grf' } & GrfIc)
  | ({ readonly law: 'diffused' } & DiffusedIc)
  | ({ readonly law: 'blobs' } & BlobsIc);

/**
 * A system's initial states when its data block has no `ic`: APEBench's
 * Fourier series scaled to max |u| = 1 with `cutoff` modes; Fisher–KPP's a
 * density, its mean kept and its range mapped onto [0, 1]; Gray–Scott's one
 * blob per channel.
 */
export function defaultIc(system: string, cutoff: number): Ic {
  if (system === 'fisher_kpp') return { law: 'fourier', ...FOURIER_DEFAULTS, cutoff, zeroMean: false, clamp: [0, 1] };
  if (system === 'gray_scott') return { law: 'blobs', ...BLOBS_DEFAULTS };
  return { law: 'fourier', ...FOURIER_DEFAULTS, cutoff, maxOne: true };
}

const BLOBS_DEFAULTS: BlobsIc = { count: 1, position: [0.4, 0.6], variance: [0.005, 0.01], zeroMean: false, stdOne: false, maxOne: false };

/** The law a data block names, its options as the checker filled them in (a fourier cutoff defaults to the block's). */
export function icOf(law: InitialLaw, cutoff: number): Ic {
  const o = law.options;
  const pair = (key: string) => o[key] as readonly [number, number];
  const normalisation = {
    zeroMean: o['zero_mean'] as boolean,
    stdOne: o['std_one'] as boolean,
    maxOne: o['max_one'] as boolean,
    ...(o['clamp'] !== undefined && { clamp: pair('clamp') }),
  };
  switch (law.name) {
    case 'fourier':
      return { law: 'fourier', ...normalisation, cutoff: (o['cutoff'] as number | undefined) ?? cutoff, offset: pair('offset') };
    case 'grf':
      return { law: 'grf', ...normalisation, exponent: o['exponent'] as number };
    case 'diffused':
      return { law: 'diffused', ...normalisation, intensity: o['intensity'] as number };
    case 'blobs':
      return { law: 'blobs', ...normalisation, count: o['count'] as number, position: pair('position'), variance: pair('variance') };
    default:
      return law.name satisfies never;
  }
}

/** One state [C, N, …, N] of `channels` independent draws; Gray–Scott's blobs are (1 - b, b). */
export function icState(g: Grid, ic: Ic, channels: number, rng: Rng, system: string): Float64Array {
  const size = g.points ** g.dims;
  const out = new Float64Array(channels * size);
  for (let c = 0; c < channels; c++) out.set(channelState(g, ic, rng, system === 'gray_scott' && c === 0), c * size);
  return out;
}

function channelState(g: Grid, ic: Ic, rng: Rng, complement: boolean): Float64Array {
  switch (ic.law) {
    case 'fourier':
      return fourierState(g, ic, rng);
    case 'grf':
      return grfState(g, ic, rng);
    case 'diffused':
      return diffusedState(g, ic, rng);
    case 'blobs':
      return blobsState(g, ic, rng, complement);
    default:
      return ic satisfies never;
  }
}
