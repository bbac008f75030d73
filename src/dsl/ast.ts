// The checked AST of a `.tx` file: what the user declared, with every default
// filled in and a span kept wherever a later stage may need to point back.
import type { Span } from '../util/diagnostics.js';

export interface Spec {
  file: string;
  source: string;
  data?: DataDecl;
  /** The emulator a run trains: the file's first (a study's cell keeps only its own). */
  emulator?: EmulatorDecl;
  /** Every emulator, in order; one unnamed one is called `main`. */
  emulators: NamedEmulator[];
  reference?: StepperDecl;
  residuum?: ResiduumDecl;
  configs: ConfigDecl[];
  /** Defaults when the file has no train block. */
  train: TrainDecl;
  study?: StudyDecl;
}

export interface NamedEmulator {
  name: string;
  decl: EmulatorDecl;
  span: Span;
}

// ── study ───────────────────────────────────────────────────────────────────

/** `study NAME { vary … seeds N report … }`: a grid of runs of this file (study.ts). */
export interface StudyDecl {
  name: string;
  /** In the order written; cells are their product, the last axis varying fastest. */
  axes: StudyAxis[];
  /** Repeats of every cell: seed s adds s to the emulator's and the train block's seeds. */
  seeds: number;
  report: StudyReport;
  cells: StudyCell[];
  span: Span;
}

export interface StudyAxis {
  /** As written: `emulator`, `config`, `lr`, `data.gamma`, `fno.width`. */
  path: string;
  /** Each value as written. */
  values: string[];
  /** Where each value is written: a cell's mistake that its value causes points there. */
  valueSpans: Span[];
  span: Span;
}

export interface StudyReport {
  /** A metric of docs/evaluation.md, e.g. nRMSE. */
  metric: string;
  aggregate: 'mean' | 'geometric_mean';
  /** Rollout steps scored; the aggregate covers steps 1..upTo. */
  upTo: number;
}

export interface StudyCell {
  /** `emulator=fno,config=one_step`: its folder in the results. */
  name: string;
  /** One value per axis, as written. */
  values: string[];
  /** The file as this cell runs it: one emulator, one configuration, its values set. */
  spec: Spec;
}

// ── data ────────────────────────────────────────────────────────────────────

/** A system parameter: a number, (cfl) one number per spatial axis, a generic stepper's coefficients, a flag or a word (form). */
export type ParamValue = number | readonly number[] | boolean | string;

export type GeneratorName =
  | 'advection'
  | 'diffusion'
  | 'burgers'
  | 'ks'
  | 'dispersion'
  | 'hyper_diffusion'
  | 'advection_diffusion'
  | 'kdv'
  | 'ks_conservative'
  | 'fisher_kpp'
  | 'swift_hohenberg'
  | 'gray_scott'
  | 'navier_stokes'
  | 'kolmogorov'
  | 'generic_linear'
  | 'generic_nonlinear'
  | 'generic_convection'
  | 'generic_polynomial'
  | 'lorenz63';

export interface GeneratorData {
  kind: 'generator';
  generator: GeneratorName;
  /** The APEBench preset the block names (dsl/presets.ts), whose defaults it took. */
  preset?: string;
  /** Grid points on every spatial axis; Lorenz-63 has 3 channels and no space. */
  points: number;
  /** Spatial axes (1 to 3; 0 for Lorenz-63): a state is [1, points, …, points]. */
  dims: number;
  trajectories: number;
  /** Snapshots per trajectory, the initial state included (Trainax's temporal_horizon). */
  snapshots: number;
  /** Held-out trajectories for evaluation after training. */
  testTrajectories: number;
  /** Snapshots per held-out trajectory (`test_snapshots`, by default `snapshots`). */
  testSnapshots: number;
  seed: number;
  /** `ic file "PATH"`: initial states `[trajectories + test_trajectories, ...state]`, the path relative to the spec. */
  ic?: { path: string; span: Span };
  /** `ic grf { … }` and the other drawn laws of the spectral systems; absent, the system's own (data/etdrk/ic.ts). */
  law?: InitialLaw;
  /** Generator parameters (cfl, modes, gamma, nu, dt, ...), defaults filled in; cfl may have one value per axis. */
  params: Record<string, ParamValue>;
  /** The discretisation the trajectories step with (`method`; by default the system's first, schema.ts METHODS). */
  method: string;
  span: Span;
}

/** A drawn initial-state law and its options, defaults filled in (a fourier cutoff only where given). */
export interface InitialLaw {
  name: 'fourier' | 'grf' | 'diffused' | 'blobs';
  options: Readonly<Record<string, number | boolean | readonly number[]>>;
  span: Span;
}

export interface FileData {
  kind: 'file';
  path: string;
  /** Trajectories held out for evaluation, taken from the end of the file. */
  testTrajectories: number;
  span: Span;
}

export type DataDecl = GeneratorData | FileData;

// ── emulator ────────────────────────────────────────────────────────────────

export type Activation = 'relu' | 'tanh' | 'gelu' | 'sigmoid' | 'swish' | 'none';
export type Padding = 'circular' | 'zero';

/** What every convolutional family shares (networks.md §1). */
interface ConvFamily {
  /** In and out channels as written (`channels C_in -> … -> C_out`); absent, the data's. */
  channelsIn?: number;
  channelsOut?: number;
  kernel: number;
  padding: Padding;
  /** Applied between layers, as each family places it. */
  activation: Activation;
  /** Applied to the network's output ('none' by default). */
  finalActivation: Activation;
  seed: number;
  span: Span;
}

/** A plain stack (`conv`, alias `conv1d`): in → hidden… → out. */
export interface ConvNet extends ConvFamily {
  kind: 'conv';
  /** Hidden channel counts, in order: `channels 1 -> 32 -> 32 -> 1` or `width 32 depth 2` give [32, 32]. */
  hidden: number[];
  bias: boolean;
}

/** `group`: PDEquinox's GroupNorm with one group beside each convolution (networks.md §8). */
export type Norm = 'none' | 'group';

/** PDEquinox's ClassicResNet: lifting, `blocks` post-activation residual blocks, projection. */
export interface ResNet extends ConvFamily {
  kind: 'resnet';
  norm: Norm;
  width: number;
  blocks: number;
}

/** PDEquinox's ClassicUNet: `levels` halvings, widths width · 2^l. */
export interface UNet extends ConvFamily {
  kind: 'unet';
  norm: Norm;
  width: number;
  levels: number;
}

/** PDEquinox's DilatedResNet: blocks of dilated convolutions with a skip. */
export interface DilatedNet extends ConvFamily {
  kind: 'dilated';
  norm: Norm;
  width: number;
  blocks: number;
  dilations: number[];
}

export type ConvNetwork = ConvNet | ResNet | UNet | DilatedNet;

/** PDEquinox's ClassicFNO: pointwise lifting, `blocks` spectral blocks with a pointwise bypass, pointwise projection. */
export interface Fno {
  kind: 'fno';
  channelsIn?: number;
  channelsOut?: number;
  width: number;
  /** M: kept modes per axis and sign (networks.md §6). */
  modes: number;
  blocks: number;
  activation: Activation;
  finalActivation: Activation;
  seed: number;
  span: Span;
  /** The `modes` setting, or the block where it is left out: a grid too coarse for it is reported there. */
  modesSpan: Span;
}

export interface Mlp {
  kind: 'mlp';
  width: number;
  /** Hidden layers; depth 2 means in → width → width → out. */
  depth: number;
  activation: Activation;
  finalActivation: Activation;
  bias: boolean;
  seed: number;
  span: Span;
}

export type Network = ConvNetwork | Fno | Mlp;

/** A coarse differentiable solver combined with a network. */
export interface Correction {
  kind: 'correction';
  /** sequential: net(coarse(u)); parallel: coarse(u) + net(u). */
  mode: 'sequential' | 'parallel';
  coarse: BuiltinStepper;
  net: Network;
  span: Span;
}

export type EmulatorDecl = Network | Correction;

// ── reference stepper and residuum ─────────────────────────────────────────

export type Expr =
  | { kind: 'num'; value: number; span: Span }
  | { kind: 'var'; name: string; span: Span }
  | { kind: 'neg'; arg: Expr; span: Span }
  | { kind: 'bin'; op: '+' | '-' | '*' | '/'; lhs: Expr; rhs: Expr; span: Span }
  | { kind: 'call'; fn: string; args: Expr[]; lists: ListArg[]; named: NamedArg[]; span: Span };

/** `[0, 1]` in shift(u, [0, 1]): one offset per spatial axis. Lists are arguments only, never values. */
export interface ListArg {
  items: Expr[];
  /** Its place among the call's unnamed arguments, lists included. */
  position: number;
  span: Span;
}

/** `axis 1` in shift(u, 1, axis 1): a word and a literal number, as a setting is written. */
export interface NamedArg {
  name: string;
  nameSpan: Span;
  /** NaN where the parser already reported it missing. */
  value: number;
  valueSpan: Span;
}

export interface BuiltinStepper {
  kind: 'builtin';
  name: GeneratorName;
  preset?: string;
  /** Parameters with defaults filled in (cfl, gamma, nu, dt, substeps...); cfl may have one value per axis. */
  params: Record<string, ParamValue>;
  method: string;
  /** The PDE solvers' boundary: periodic, or zero outside the grid (Dirichlet-zero); circular for Lorenz-63. */
  padding: 'circular' | 'zero';
  differentiable: boolean;
  span: Span;
}

export interface ExprStepper {
  kind: 'expr';
  name: string;
  /** State names: one for a stepper (u), two for a residuum (next, prev). */
  params: string[];
  body: Expr;
  /** `where c = 0.5`: constants, already evaluated. */
  constants: Record<string, number>;
  differentiable: boolean;
  span: Span;
}

export type StepperDecl = BuiltinStepper | ExprStepper;
export type ResiduumDecl = BuiltinStepper | ExprStepper;

// ── configurations ──────────────────────────────────────────────────────────

export type LossName = 'mse' | 'mae' | 'nmse' | 'nmae';

/** One step of a mix chain's main chain. */
export type ChainStep = 'emulator' | 'reference';

interface Common {
  span: Span;
  rollout: number;
  cutBptt: boolean;
  every: number;
  /** Time-level weights, length `rollout` (for mix: the whole chain). */
  weights: number[];
  loss: LossName;
}

export interface Supervised extends Common {
  kind: 'supervised';
}
export interface Diverted extends Common {
  kind: 'diverted';
  branch: number;
  branchWeights: number[];
  cutDivChain: boolean;
  /** Trainax's DivertedChainBranchOne formulation (`diverted_one`). */
  branchOne: boolean;
}
export interface Mix extends Common {
  kind: 'mix';
  /** The main chain, one entry per time level; `rollout` = its length. */
  chain: ChainStep[];
}
export interface Residuum extends Common {
  kind: 'residuum';
  cutPrev: boolean;
  cutNext: boolean;
}
export interface TeacherForcing extends Common {
  kind: 'teacher_forcing';
  resetEvery: number;
}
export interface Composite {
  kind: 'composite';
  span: Span;
  parts: { weight: number; config: ConfigBody }[];
}

export type ConfigBody = Supervised | Diverted | Mix | Residuum | TeacherForcing | Composite;

export interface ConfigDecl {
  name: string;
  /** The configuration's text as written, for headers and drawings. */
  text: string;
  body: ConfigBody;
  span: Span;
}

// ── training run ────────────────────────────────────────────────────────────

/**
 * The options a run's identity did not know before them (runIdentity) are
 * optional and absent unless set, so that older checkpoints still resume.
 */
export interface TrainDecl {
  optimizer: 'adam' | 'adamw' | 'sgd';
  /** The learning rate; under warmup_cosine, the peak the warm-up reaches. */
  lr: number;
  schedule: 'constant' | 'cosine' | 'exponential' | 'warmup_cosine';
  steps: number;
  batch: number;
  seed: number;
  /** Emulators trained at once (seeds seed, seed + 1, …, each with its initialisation offset as much), as one program on the GPU. */
  seeds: number;
  substack: boolean;
  /** adamw's decoupled weight decay. */
  weightDecay?: number;
  /** warmup_cosine's linear warm-up over `warmup` steps from `init`, and the rate `end` its cosine reaches. */
  warmupCosine?: { warmup: number; init: number; end: number };
  /** The largest global norm of the gradients (optax.clip_by_global_norm). */
  clipNorm?: number;
  /** Steps between evaluations on the test set during training. */
  evalEvery?: number;
  span: Span;
}
