// APEBench's named scenarios (scenarios §9) as presets: a preset is a system
// whose block defaults are the scenario's, so `data diff_ks { dims 2 }`,
// `reference diff_ks {}` and `coarse diff_ks {}` all mean the same PDE and
// any option can still be given. The table lives with the schema it changes
// the defaults of; docs/spectral.md lists it for users.
import type { GeneratorName, InitialLaw, ParamValue } from './ast.js';
import type { Schema, ValueKind } from './schema.js';
import { dataSchema, IC_RANGES, stepperSchema } from './schema.js';

export interface Preset {
  readonly system: GeneratorName;
  /** The spatial dimensions it is defined in; the first is its default. */
  readonly dims: readonly number[];
  /** Why other dimensions are refused, as a hint. */
  readonly why?: string;
  /** The system's parameters the scenario sets (coefficients, extent, dt, substeps). */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** Data options other than the common ones (the KS warm-up). */
  readonly data?: Readonly<Record<string, number>>;
  /** The initial-state law a data block without `ic` draws from, where it is not the system's own. */
  readonly ic?: Omit<InitialLaw, 'span'>;
}

/** What every preset's data block defaults to (APEBench's). */
const DATA_DEFAULTS: Readonly<Record<string, number>> = { points: 160, cutoff: 5, trajectories: 50, snapshots: 51, test_trajectories: 30, test_snapshots: 201, warmup: 0 };
/** A coarse solver of a preset steps by this fraction of the preset's dt. */
export const COARSE_PROPORTION = 0.5;

const ANY = [1, 2, 3];
const CHANNELS = 'txc has no multi-channel (velocity-field) convection yet: this preset runs in 1-D';
const linear = (a: number[]): Preset => ({ system: 'generic_linear', dims: ANY, params: { form: 'difficulty', a } });
const nonlinear = (a: number[], b: number[], data?: Record<string, number>): Preset => ({
  system: 'generic_nonlinear',
  dims: ANY,
  params: { form: 'difficulty', a, b },
  ...(data && { data }),
});

/**
 * Fisher–KPP's states are densities: a drawn mean is kept and the range is
 * mapped onto [0, 1], as a signed state would grow without bound below 0.
 */
const DENSITY: Preset['ic'] = {
  name: 'fourier',
  options: { zero_mean: false, std_one: false, max_one: false, offset: IC_RANGES['offset']!, clamp: [0, 1] },
};

export const PRESETS: Readonly<Record<string, Preset>> = {
  diff_adv: linear([0, -4]),
  diff_diff: linear([0, 0, 4]),
  diff_adv_diff: linear([0, -4, 4]),
  diff_disp: linear([0, 0, 0, 4]),
  diff_hyp_diff: linear([0, 0, 0, 0, -4]),
  diff_burgers: { system: 'generic_convection', dims: [1], why: CHANNELS, params: { form: 'difficulty', a: [0, 0, 1.5], scale: 1.5, conservative: true } },
  diff_burgers_sc: nonlinear([0, 0, 1.5], [0, -1.5, 0]),
  diff_kdv: nonlinear([0, 0, 0, -14, -9], [0, -2, 0]),
  diff_ks: nonlinear([0, 0, -1.2, 0, -15], [0, 0, -6], { warmup: 500 }),
  diff_ks_cons: {
    system: 'generic_convection',
    dims: [1],
    why: 'the conservative KS is the 1-D equation',
    params: { form: 'difficulty', a: [0, 0, -2, 0, -18], scale: 1, conservative: true },
    data: { warmup: 500 },
  },
  diff_fisher: { ...nonlinear([0.02, 0, 0.2], [-0.02, 0, 0]), ic: DENSITY },
  phy_ks: { system: 'generic_nonlinear', dims: ANY, params: { extent: 60, dt: 0.1, a: [0, 0, -1, 0, -1], b: [0, 0, -1] }, data: { warmup: 500 } },
  phy_kdv: { system: 'generic_nonlinear', dims: ANY, params: { extent: 50, dt: 0.1, a: [0, 0, 0, -1, -0.125], b: [0, -6, 0] } },
  phy_burgers: { system: 'generic_convection', dims: [1], why: CHANNELS, params: { extent: 1, dt: 0.1, a: [0, 0, 3e-4], scale: 0.125, conservative: true } },
  phy_decay_turb: { system: 'navier_stokes', dims: [2], why: 'a vorticity field is 2-D', params: { extent: 1, dt: 0.1, nu: 1e-4 } },
  phy_kolm_flow: {
    system: 'kolmogorov',
    dims: [2],
    why: 'a vorticity field is 2-D',
    params: { extent: 2 * Math.PI, dt: 0.1, substeps: 20, nu: 0.01, drag: -0.1, injection_mode: 4, injection_scale: 1 },
    data: { warmup: 500 },
  },
  phy_gs: { system: 'gray_scott', dims: [2, 3], why: "APEBench's Gray–Scott patterns are 2-D and 3-D; the 1-D system is data gray_scott", params: { extent: 1, dt: 10, substeps: 10, feed: 0.04, kill: 0.06 } },
  phy_sh: { system: 'swift_hohenberg', dims: [2, 3], why: "APEBench's Swift–Hohenberg patterns are 2-D and 3-D; the 1-D system is data swift_hohenberg", params: { extent: 10 * Math.PI, dt: 0.1, substeps: 5, reactivity: 0.7, critical: 1 } },
  phy_fisher: { system: 'generic_polynomial', dims: ANY, params: { extent: 1, dt: 0.001, a: [20, 0, 0.004], poly: [0, 0, -20] }, ic: DENSITY },
};

export const PRESET_NAMES = Object.keys(PRESETS);

export function presetNamed(word: string): Preset | undefined {
  return Object.hasOwn(PRESETS, word) ? PRESETS[word] : undefined;
}

/** `schema` with the defaults of `values` (a list's, a flag's, a word's or a number's). */
function withDefaults(schema: Schema, values: Readonly<Record<string, ParamValue>>): Schema {
  const out: Record<string, ValueKind> = { ...schema };
  for (const [key, def] of Object.entries(values)) {
    const kind = schema[key];
    if (!kind || !('def' in kind || kind.t === 'list' || kind.t === 'number' || kind.t === 'int')) throw new Error(`internal: preset option '${key}' is not in the schema`);
    out[key] = { ...kind, def } as ValueKind;
  }
  return out;
}

/** What `data <preset> { … }` takes: the system's data options, the scenario's defaults. */
export function presetDataSchema(p: Preset): Schema {
  return withDefaults(dataSchema(p.system), { ...DATA_DEFAULTS, dims: p.dims[0]!, ...p.params, ...p.data });
}

/** What `reference <preset> { … }` and `coarse <preset> { … }` take. */
export function presetStepperSchema(p: Preset): Schema {
  return withDefaults(stepperSchema(p.system), p.params);
}
