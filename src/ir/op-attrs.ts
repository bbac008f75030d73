// The IR's vocabulary: every op kind and the attributes its nodes carry. A
// node's `op` picks its entry here, so `n.op === 'slice'` gives `n.attrs` the
// type { axis, start, size }, and the registry in ops/ must define every kind.
// Adding an op: an entry here, its file in ops/, a line in ops/registry.ts;
// the type checker then lists what else must know about it.
//
// Attribute values stay plain numbers, strings and arrays of them: the text
// form prints them (print.ts) and CSE compares them as JSON (simplify.ts).

/** For ops without attributes: any key given is an error. */
export type NoAttrs = Readonly<Record<string, never>>;

export type Padding = 'circular' | 'zero';

/**
 * A convolution over the spatial axes of a field [B, C, N_0, …] (one to
 * three, networks.md §1): SAME padding, dilation d >= 1 and stride s; with
 * `upsample` 2, the field is read zero-inserted (its points at the even
 * points of a grid twice its size, the odd ones zero: PDEquinox's transposed
 * convolution), which a stride may not accompany. An absent dilation,
 * stride or upsample is 1, so that a plain convolution's attributes (and its
 * text) name only its padding.
 */
export type ConvAttrs = {
  readonly padding: Padding;
  readonly dilation?: number;
  readonly stride?: 1 | 2;
  readonly upsample?: 1 | 2;
};
export type LossKind = 'mse' | 'mae' | 'nmse' | 'nmae';
export type CallFn = 'emulator' | 'reference' | 'residuum';

/**
 * What feeds an input: snapshot 0 of each window (`input ic`), snapshot t
 * (`input target[t]`), an emulator parameter (`input param[name]`), or, with
 * none of these, a value fed by its id (a test's probe). Each variant names
 * the others' keys as absent, so `attrs.param` reads on any of them.
 */
export type InputAttrs =
  | { readonly name: 'ic'; readonly t?: never; readonly param?: never }
  | { readonly name: 'target'; readonly t: number; readonly param?: never }
  | { readonly param: string; readonly name?: never; readonly t?: never }
  | { readonly name?: never; readonly t?: never; readonly param?: never };

/** The snapshot of a training window a data input holds (`ic` 0, `target[t]` t); undefined for any other input. */
export function windowSnapshot(a: InputAttrs): number | undefined {
  return a.name === 'ic' ? 0 : a.name === 'target' ? a.t : undefined;
}

/** Axes a reduction sums over, or a broadcast adds: ascending; all when absent. */
export type AxesAttrs = { readonly axes?: readonly number[] };

export interface OpAttrs {
  // leaves and chain-level ops
  input: InputAttrs;
  const: { readonly value: number };
  call: { readonly fn: CallFn };
  stop_gradient: NoAttrs;
  loss: { readonly kind: LossKind };
  weighted_sum: { readonly weights: readonly number[] };
  // elementwise
  add: NoAttrs;
  sub: NoAttrs;
  mul: NoAttrs;
  div: NoAttrs;
  neg: NoAttrs;
  scale: { readonly c: number };
  square: NoAttrs;
  abs: NoAttrs;
  sign: NoAttrs;
  relu: NoAttrs;
  tanh: NoAttrs;
  gelu: NoAttrs;
  sigmoid: NoAttrs;
  sqrt: NoAttrs;
  // layers, each with its transposes in input and weight
  conv: ConvAttrs;
  conv_t: ConvAttrs;
  /** k: the kernel size, which the output shape needs. */
  conv_w: ConvAttrs & { readonly k: number };
  dense: NoAttrs;
  dense_t: NoAttrs;
  dense_w: NoAttrs;
  bias_add: NoAttrs;
  // along an axis; a shape attribute writes the batch B as -1
  shift: { readonly k: number; readonly axis?: number; readonly padding?: Padding }; // the last axis, circular, when absent
  circconv: { readonly kernel: readonly number[] };
  reshape: { readonly shape: readonly number[] };
  slice: { readonly axis: number; readonly start: number; readonly size: number };
  concat: { readonly axis: number };
  // on every spatial axis of a field [B, C, N_0, …]: 2N points with zeros between, and its transpose
  zero_insert: NoAttrs;
  subsample: NoAttrs;
  // Fourier transforms over the last `dims` axes (1 to 3), numpy's rfftn
  // layout: complex values as a trailing axis of 2 (re, im), the last
  // transformed axis halved to n/2 + 1 bins; n: irfft's real last-axis size,
  // which the bins do not determine (docs/architecture.md, "Spectra")
  rfft: { readonly dims: number };
  irfft: { readonly dims: number; readonly n: number };
  // a Fourier layer's complex channel mix over the kept modes of a half
  // spectrum (networks.md §6), and its transposes in the spectrum and in the
  // weights; modes: M, which the weight gradient's shape needs
  spectral_mix: NoAttrs;
  spectral_mix_t: NoAttrs;
  spectral_mix_w: { readonly modes: number };
  // a spectrum [.., N_1, .., bins, 2] times a constant complex factor per
  // bin of its last `dims` complex axes, `coef` their (re, im) pairs
  // row-major; the same factors for every leading index
  spectral_scale: { readonly dims: number; readonly coef: readonly number[] };
  // reductions and their transpose (mean: true divides by the copies, the transpose of mean)
  sum: AxesAttrs;
  mean: AxesAttrs;
  broadcast: { readonly shape: readonly number[]; readonly axes?: readonly number[]; readonly mean?: true };
}

export type OpName = keyof OpAttrs;
