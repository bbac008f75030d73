// What each block and configuration accepts: one table per context, read by
// the parser (which keys take a word value) and by the checker (types, ranges,
// defaults, "did you mean"). A new option is one row here plus its use.
import * as L from './limits.js';
import type { Activation } from './ast.js';

export type ValueKind =
  | { t: 'int'; min: number; max: number; def?: number }
  // perAxis: a list of one number per spatial axis is accepted too (cfl [0.5, -0.25])
  | { t: 'number'; min?: number; max?: number; positive?: boolean; def?: number; perAxis?: boolean }
  | { t: 'bool'; def: boolean }
  // options: for a word that takes a block of its own, its schema (schedule warmup_cosine { warmup 100 })
  | { t: 'word'; choices: readonly string[]; def?: string; options?: Readonly<Record<string, Schema>> }
  | { t: 'chain' } // 1 -> 16 -> 1
  | { t: 'list'; def?: readonly number[] } // [0, 0, 1]
  | { t: 'steps' } // [emulator 2, reference 1]
  | { t: 'flag' } // cut_div_chain
  | { t: 'flag_every' } // cut_bptt, cut_bptt every 2
  | { t: 'every'; max?: number } // reset every 2
  | { t: 'sub'; of: 'stepper' | 'network' } // coarse advection1d { … }
  | { t: 'string' }
  // ic file "u0.npy"; with laws, also a drawn law and its block (ic grf { exponent 2 })
  | { t: 'file'; laws?: Readonly<Record<string, Schema>> };

export type Schema = Readonly<Record<string, ValueKind>>;

const int = (min: number, def?: number, max = L.MAX_COUNT): ValueKind => (def === undefined ? { t: 'int', min, max } : { t: 'int', min, max, def });
const seed = int(0, 0, Number.MAX_SAFE_INTEGER);
const num = (def?: number, extra: { min?: number; max?: number; positive?: boolean; perAxis?: boolean } = {}): ValueKind =>
  def === undefined ? { t: 'number', ...extra } : { t: 'number', def, ...extra };

export const ACTIVATIONS = ['relu', 'tanh', 'gelu', 'sigmoid', 'swish', 'silu', 'none', 'identity'] as const;
/** Other names for the same activation (PDEquinox's and PyTorch's). */
export const ACTIVATION_ALIASES: Readonly<Record<string, Activation>> = { silu: 'swish', identity: 'none' };
export const LOSSES = ['mse', 'mae', 'nmse', 'nmae'] as const;
/** The systems that step by ETDRK only (data/etdrk/catalogue.ts, docs/spectral.md); `ks` first. */
export const SPECTRAL_SYSTEMS = [
  'ks',
  'dispersion',
  'hyper_diffusion',
  'advection_diffusion',
  'kdv',
  'ks_conservative',
  'fisher_kpp',
  'swift_hohenberg',
  'gray_scott',
  'navier_stokes',
  'kolmogorov',
  'generic_linear',
  'generic_nonlinear',
  'generic_convection',
  'generic_polynomial',
] as const;
export type SpectralSystem = (typeof SPECTRAL_SYSTEMS)[number];

/** Channels of a generator's states where not 1: Gray–Scott's u and v; Lorenz-63's x, y, z (it has no space). */
export const STATE_CHANNELS: Readonly<Record<string, number>> = { gray_scott: 2, lorenz63: 3 };

/** Whether a system steps by ETDRK only (no finite-difference or exact method). */
export function isSpectralSystem(name: string): name is SpectralSystem {
  return (SPECTRAL_SYSTEMS as readonly string[]).includes(name);
}

/** The systems of a 2-D vorticity field only. */
export const PLANAR_SYSTEMS: readonly string[] = ['navier_stokes', 'kolmogorov'];
export const GENERATORS = ['advection', 'diffusion', 'burgers', ...SPECTRAL_SYSTEMS, 'lorenz63'] as const;
/** The 1-D names of the PDE systems, kept from before `dims`: each is its system with dims 1. */
export const GENERATOR_ALIASES: Readonly<Record<string, (typeof GENERATORS)[number]>> = {
  advection1d: 'advection',
  diffusion1d: 'diffusion',
  burgers1d: 'burgers',
};

/** The extent of the domain and the time step of an ETDRK system, their defaults its own. */
function time(extent: number, dt: number, substeps = 1): Schema {
  // circle_*: the contour the ETDRK coefficients are averaged over (Kassam–Trefethen's M = 16, r = 1).
  const contour: Schema = { circle_points: int(1, 16, L.MAX_CIRCLE_POINTS), circle_radius: num(1, { positive: true }) };
  return { extent: num(extent, { positive: true }), dt: num(dt, { positive: true }), substeps: int(1, substeps, L.MAX_SUBSTEPS), ...contour };
}

const list = (def: readonly number[]): ValueKind => ({ t: 'list', def });

/** A generic stepper's linear coefficients and the form its coefficients are written in. */
function generic(a: readonly number[]): Schema {
  return { a: list(a), form: { t: 'word', choices: ['physical', 'normalized', 'difficulty'], def: 'physical' } };
}

/**
 * Physical parameters of each built-in system, shared by data, reference,
 * residuum and coarse solver; the one table of their names, ranges and defaults.
 */
export const SYSTEM_PARAMS: Record<(typeof GENERATORS)[number], Schema> = {
  // Trainax's advection_1d_periodic default (its README quickstart uses -0.75).
  // One CFL number for every axis, or one per axis.
  advection: { cfl: num(0.75, { min: -1, max: 1, perAxis: true }) },
  // gamma = nu dt / dx^2; FTCS is stable for gamma <= 1/2.
  diffusion: { gamma: num(0.1, { min: 0, max: 0.5 }) },
  // On 64 points these keep central differences smooth for amplitude-1 modes.
  burgers: { nu: num(0.05, { min: 0 }), dt: num(0.01, { positive: true }), substeps: int(1, 1, L.MAX_SUBSTEPS) },
  // The ETDRK systems (docs/spectral.md), their defaults those of scenarios §4.
  // Kuramoto–Sivashinsky as Exponax writes it: u_t = -psi1 u_xx - psi2 u_xxxx - s/2 |grad u|^2 on [0, extent).
  ks: { ...time(60, 0.1), gradient_norm: num(1), second_order: num(1), fourth_order: num(1) },
  dispersion: { ...time(1, 0.1), dispersivity: num(1, { perAxis: true }) },
  hyper_diffusion: { ...time(1, 0.1), zeta: num(1e-4) },
  advection_diffusion: { ...time(1, 0.1), velocity: num(1, { perAxis: true }), nu: num(0.01) },
  kdv: { ...time(20, 0.01), convection: num(-6), nu: num(0), dispersivity: num(1), zeta: num(0.01) },
  ks_conservative: { ...time(60, 0.1), convection: num(1), second_order: num(1), fourth_order: num(1) },
  fisher_kpp: { ...time(1, 0.001), nu: num(0.01), reactivity: num(1) },
  swift_hohenberg: { ...time(10 * Math.PI, 0.1, 5), reactivity: num(0.7), critical: num(1) },
  // Two channels (u, v): nu1 and nu2 their diffusivities, feed F and kill K of v.
  gray_scott: { ...time(1, 10, 10), nu1: num(2e-5), nu2: num(1e-5), feed: num(0.04), kill: num(0.06) },
  navier_stokes: { ...time(1, 0.01), nu: num(0.01), convection: num(1), drag: num(0) },
  kolmogorov: { ...time(2 * Math.PI, 0.1, 20), nu: num(1e-3), convection: num(1), drag: num(-0.1), injection_mode: int(0, 4), injection_scale: num(1) },
  // Exponax's generic steppers (docs/spectral.md): coefficients a_j of sum_d (i kappa_d)^j, read in one of three forms.
  generic_linear: { ...time(1, 1), ...generic([0, 0, 0.01]) },
  generic_nonlinear: { ...time(1, 1), ...generic([0, 0, 0.01]), b: list([0, -1, 0]) },
  generic_convection: { ...time(1, 1), ...generic([0, 0, 0.01]), scale: num(1), conservative: { t: 'bool', def: false }, single_channel: { t: 'bool', def: false } },
  generic_polynomial: { ...time(1, 1), ...generic([0, 0, 0.01]), poly: list([0, 1, 0, -1]) },
  // Trainax's make_lorenz_stepper_rk4 defaults (Lorenz 1963).
  lorenz63: { dt: num(0.01, { positive: true }), sigma: num(10), rho: num(28), beta: num(8 / 3) },
};

/** What only a data generator needs: initial states and warm-up. */
export const GENERATOR_EXTRA: Record<(typeof GENERATORS)[number], Schema> = {
  advection: { modes: int(1, 5) },
  diffusion: { modes: int(1, 5) },
  burgers: { modes: int(1, 3) },
  // A truncated Fourier series of `cutoff` modes scaled to max |u| = 1, then `warmup` steps discarded (APEBench).
  ...spectral({ cutoff: int(1, 5), warmup: int(0, 0) }),
  // Trainax's lorenz_rk4: x0 ~ N(0, init_std^2), then `warmup` steps discarded.
  lorenz63: { warmup: int(0, 500), init_std: num(1, { positive: true }) },
};

/** Discretisations of each system; the first is the default and the one generators use. */
export const METHODS: Record<(typeof GENERATORS)[number], readonly [string, ...string[]]> = {
  advection: ['spectral', 'upwind'],
  diffusion: ['spectral', 'ftcs'],
  burgers: ['central', 'etdrk2', 'etdrk1', 'etdrk3', 'etdrk4'],
  ...spectral<readonly [string, ...string[]]>(['etdrk2', 'etdrk1', 'etdrk3', 'etdrk4', 'etdrk0']),
  // Linear: ETDRK0 is exact, and every other order is the same step.
  dispersion: ['etdrk0'],
  hyper_diffusion: ['etdrk0'],
  advection_diffusion: ['etdrk0'],
  generic_linear: ['etdrk0'],
  lorenz63: ['rk4'],
};

/** The same value for every ETDRK system. */
function spectral<T>(value: T): Record<(typeof SPECTRAL_SYSTEMS)[number], T> {
  return Object.fromEntries(SPECTRAL_SYSTEMS.map((n) => [n, value])) as Record<(typeof SPECTRAL_SYSTEMS)[number], T>;
}

const bool = (def: boolean): ValueKind => ({ t: 'bool', def });
/** What every law does after its draw (scenarios §6); `clamp [lo, hi]` maps the range last. */
const NORMALISE = (zeroMean: boolean): Schema => ({ zero_mean: bool(zeroMean), std_one: bool(false), max_one: bool(false), clamp: { t: 'list' } });
/** The spectral systems' initial-state laws (data/etdrk/ic.ts); a fourier cutoff defaults to the data block's. */
export const IC_LAWS = {
  fourier: { cutoff: int(1), offset: { t: 'list' }, ...NORMALISE(true) },
  grf: { exponent: num(3), ...NORMALISE(true) },
  diffused: { intensity: num(0.001, { positive: true }), ...NORMALISE(true) },
  blobs: { count: int(1, 1), position: { t: 'list' }, variance: { t: 'list' }, ...NORMALISE(false) },
} as const satisfies Record<string, Schema>;
/** The [lo, hi] options of the laws, and the range they take when absent. */
export const IC_RANGES: Readonly<Record<string, readonly [number, number] | undefined>> = { offset: [-0.5, 0.5], position: [0.4, 0.6], variance: [0.005, 0.01], clamp: undefined };

const DATA_COMMON: Schema = {
  trajectories: int(1, 20),
  snapshots: int(2, 100),
  test_trajectories: int(0, 0),
  // The held-out trajectories' own length; absent, `snapshots` (check.ts).
  test_snapshots: int(2),
  seed,
  // Initial states from a file instead of the generator's draws.
  ic: { t: 'file' },
};

export function dataSchema(generator: (typeof GENERATORS)[number]): Schema {
  // Spatial axes of the state [1, points, …, points].
  const space: Schema = generator === 'lorenz63' ? {} : { dims: int(1, 1, 3), points: int(2, 64, L.MAX_POINTS) };
  const laws: Schema = isSpectralSystem(generator) ? { ic: { t: 'file', laws: IC_LAWS } } : {};
  // The discretisation the trajectories step with: any a reference block takes.
  const method: Schema = { method: { t: 'word', choices: METHODS[generator], def: METHODS[generator][0] } };
  return { ...DATA_COMMON, ...space, ...SYSTEM_PARAMS[generator], ...GENERATOR_EXTRA[generator], ...method, ...laws };
}

export const FILE_DATA: Schema = { test_trajectories: int(0, 0) };

export function stepperSchema(system: (typeof GENERATORS)[number]): Schema {
  // The PDE solvers' boundary: periodic, or Dirichlet-zero (finite differences only).
  const boundary: Schema = system === 'lorenz63' ? {} : { padding: { t: 'word', choices: ['circular', 'zero'], def: 'circular' } };
  return { ...SYSTEM_PARAMS[system], method: { t: 'word', choices: METHODS[system], def: METHODS[system][0] }, ...boundary };
}

const ACTIVATION = (def: string): ValueKind => ({ t: 'word', choices: ACTIVATIONS, def });
/** What every convolutional family takes (networks.md §1); `channels` is the family's own. */
const CONV_COMMON: Schema = {
  channels: { t: 'chain' },
  kernel: int(1, 3, L.MAX_KERNEL),
  padding: { t: 'word', choices: ['circular', 'zero'], def: 'circular' },
  activation: ACTIVATION('relu'),
  final_activation: ACTIVATION('none'),
  seed,
};

/** PDEquinox's use_norm: off by default (its ClassicResNet's default; its UNet and DilatedResNet default to group). */
const NORM: ValueKind = { t: 'word', choices: ['none', 'group'], def: 'none' };

/**
 * The convolutional networks of networks.md §2–5, by the word that names
 * them (`conv1d` is `conv`'s old name); the defaults are PDEquinox's.
 * `channels` is the whole chain for `conv`, `C_in -> C_out` for the others.
 */
export const CONV_NETWORKS = {
  conv: { ...CONV_COMMON, width: int(1, undefined, L.MAX_CHANNELS), depth: int(0, undefined, L.MAX_LAYERS), bias: { t: 'bool', def: true } },
  resnet: { ...CONV_COMMON, width: int(1, 32, L.MAX_CHANNELS), blocks: int(0, 6, L.MAX_LAYERS), norm: NORM },
  unet: { ...CONV_COMMON, width: int(1, 16, L.MAX_CHANNELS), levels: int(0, 4, L.MAX_UNET_LEVELS), norm: NORM },
  dilated: { ...CONV_COMMON, width: int(1, 32, L.MAX_CHANNELS), blocks: int(0, 2, L.MAX_LAYERS), dilations: { t: 'list' }, norm: NORM },
} as const satisfies Record<string, Schema>;
export type ConvNetworkName = keyof typeof CONV_NETWORKS;
/** PDEquinox's DilatedResNet default. */
export const DEFAULT_DILATIONS = [1, 2, 4, 8, 4, 2, 1];

/**
 * PDEquinox's ClassicFNO (networks.md §6) and its defaults: no kernel and no
 * padding (its lifting, bypass and projection are pointwise, its spectral
 * convolution periodic); `channels` is `C_in -> C_out`.
 */
export const FNO: Schema = {
  channels: { t: 'chain' },
  width: int(1, 32, L.MAX_CHANNELS),
  modes: int(1, 12, L.MAX_POINTS),
  blocks: int(0, 4, L.MAX_LAYERS),
  activation: ACTIVATION('gelu'),
  final_activation: ACTIVATION('none'),
  seed,
};

export const MLP: Schema = {
  width: int(1, 64, L.MAX_CHANNELS),
  depth: int(0, 2, L.MAX_LAYERS),
  activation: ACTIVATION('tanh'),
  final_activation: ACTIVATION('none'),
  bias: { t: 'bool', def: true },
  seed,
};

export const CORRECTION: Schema = {
  mode: { t: 'word', choices: ['sequential', 'parallel'], def: 'sequential' },
  coarse: { t: 'sub', of: 'stepper' },
  net: { t: 'sub', of: 'network' },
};

/** What `optimizer <name> { … }` takes: optax.adamw's weight_decay, its default. */
export const OPTIMIZER_OPTIONS: Record<string, Schema> = {
  adamw: { weight_decay: num(1e-4, { min: 0 }) },
};

/**
 * What `schedule <name> { … }` takes: optax.warmup_cosine_decay_schedule's
 * values (peak defaults to the block's lr; the warm-up has no default, as in optax).
 */
export const SCHEDULE_OPTIONS: Record<string, Schema> = {
  warmup_cosine: { warmup: int(0), init: num(0, { min: 0 }), peak: num(undefined, { positive: true }), end: num(0, { min: 0 }) },
};

export const TRAIN: Schema = {
  optimizer: { t: 'word', choices: ['adam', 'adamw', 'sgd'], def: 'adam', options: OPTIMIZER_OPTIONS },
  lr: num(1e-3, { positive: true }),
  schedule: { t: 'word', choices: ['constant', 'cosine', 'exponential', 'warmup_cosine'], def: 'constant', options: SCHEDULE_OPTIONS },
  steps: int(1, 1000),
  batch: int(1, 32),
  seed,
  seeds: int(1, 1, L.MAX_STUDY_SEEDS),
  substack: { t: 'bool', def: true },
  clip_norm: num(undefined, { positive: true }),
  eval: { t: 'every', max: L.MAX_COUNT },
};

const CONFIG_COMMON: Schema = {
  rollout: int(1, 1, L.MAX_ROLLOUT),
  cut_bptt: { t: 'flag_every' },
  weights: { t: 'list' },
  loss: { t: 'word', choices: LOSSES, def: 'mse' },
};

export const CONFIGS: Record<string, Schema> = {
  supervised: CONFIG_COMMON,
  diverted: { ...CONFIG_COMMON, branch: int(1, 1, L.MAX_ROLLOUT), branch_weights: { t: 'list' }, cut_div_chain: { t: 'flag' } },
  diverted_one: { ...CONFIG_COMMON, cut_div_chain: { t: 'flag' } },
  mix: { ...CONFIG_COMMON, post_physics: int(0, 0, L.MAX_ROLLOUT), chain: { t: 'steps' } },
  residuum: { ...CONFIG_COMMON, cut_prev: { t: 'flag' }, cut_next: { t: 'flag' } },
  teacher_forcing: { ...CONFIG_COMMON, reset: { t: 'every' } },
};

const ALL_SCHEMAS: Schema[] = [
  ...GENERATORS.map(dataSchema),
  ...GENERATORS.map(stepperSchema),
  FILE_DATA,
  ...Object.values(IC_LAWS),
  ...Object.values(CONV_NETWORKS),
  FNO,
  MLP,
  CORRECTION,
  TRAIN,
  ...Object.values(OPTIMIZER_OPTIONS),
  ...Object.values(SCHEDULE_OPTIONS),
  ...Object.values(CONFIGS),
];

const WORD_KEYS = new Set<string>();
const ALL_KEYS = new Set<string>();
for (const s of ALL_SCHEMAS)
  for (const [k, v] of Object.entries(s)) {
    ALL_KEYS.add(k);
    if (v.t === 'word' || v.t === 'bool' || v.t === 'sub' || v.t === 'file') WORD_KEYS.add(k);
  }

/**
 * Whether the word after `key` is its value. For a key no context knows (a
 * typo), a following word that is not itself a key is taken as its value, so
 * `los mse` gives one diagnostic, not two.
 */
export function takesWordValue(key: string, next: string): boolean {
  if (WORD_KEYS.has(key)) return true;
  return !ALL_KEYS.has(key) && !ALL_KEYS.has(next);
}

/** An activation's one name: aliases (silu, identity) resolved. */
export function activation(word: string): Activation {
  return ACTIVATION_ALIASES[word] ?? (word as Activation);
}
