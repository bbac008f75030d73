// What codegen may assume of the device: one choice, made by the runtime from
// the adapter (runtime/gpu/target-probe.ts), so that a plan is a function of
// the graph, the batch and the target alone. `tx compile --target` prints the
// plan for any of them on any machine, with WebGPU's default limits; the
// runtime fills in its adapter's.
//
// Two kernel shapes, for two kinds of device:
// - 'cpu' (lavapipe, SwiftShader): a few cores running each subgroup as one
//   SIMD register. Loads cost many times an FMA and barriers are dear, so a
//   thread computes a register block (several outputs per load) and a
//   reduction with many outputs sums in one thread per output.
// - 'gpu': thousands of lanes that hide a load's latency only when there are
//   enough threads to switch between. A thread computes one output of a
//   convolution or product, and every reduction with long sums gives each
//   output a workgroup that sums in a tree: a 16 x 16 x 5 weight gradient
//   over 32 x 256 points is 1280 workgroups rather than 40 threads.

export interface Target {
  /** What `tx compile --target` calls it. */
  readonly name: string;
  readonly shapes: 'cpu' | 'gpu';
  /**
   * Subgroups of this many invocations, each a run of consecutive local
   * invocation indices with lane = index % subgroup. Set only where a
   * gathered load costs many times an FMA and a broadcast across lanes is
   * cheap: a CPU driver such as lavapipe, which runs a subgroup as one SIMD
   * register. There register tiles load each operand once per lane and
   * broadcast it (ops/matmul-tile.ts, ops/conv-tile.ts).
   */
  readonly subgroup?: number;
  /** The device's buffer limits: codegen sizes every buffer of a step within them. */
  readonly limits: Limits;
}

/**
 * The device limits codegen respects. Every large buffer of a step but the
 * arena is bound whole as one binding, so both sizes apply to each
 * (bufferLimit); the arena may take several bindings (its banks), as many
 * as the storage buffers a kernel may see allow.
 */
export interface Limits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
}

/**
 * The limits a plan made without a device assumes: what WebGPU grants every
 * device per binding (128 MiB) and in storage bindings (8), but buffers of
 * 4 GiB rather than the default 256 MiB, as lavapipe and most GPUs grant
 * them (a 2-D network's arena takes several bindings of one buffer). A run
 * plans within its device's own limits.
 */
const DEFAULT_LIMITS: Limits = { maxStorageBufferBindingSize: 2 ** 27, maxBufferSize: 2 ** 32 - 4, maxStorageBuffersPerShaderStage: 8 };

/** The most bytes a buffer of a step may take on the target. */
export function bufferLimit(t: Target): number {
  return Math.min(t.limits.maxBufferSize, t.limits.maxStorageBufferBindingSize);
}

/** The same kernel shapes, within another device's limits (a GPUSupportedLimits, say). */
export function withLimits(t: Target, limits: Limits): Target {
  const { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage } = limits;
  return { ...t, limits: { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage } };
}

/** The target within a device's limits as well as its own: the smaller of each. */
export function withinLimits(t: Target, limits: Limits): Target {
  const l = t.limits;
  return withLimits(t, {
    maxStorageBufferBindingSize: Math.min(l.maxStorageBufferBindingSize, limits.maxStorageBufferBindingSize),
    maxBufferSize: Math.min(l.maxBufferSize, limits.maxBufferSize),
    maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, limits.maxStorageBuffersPerShaderStage),
  });
}

/** CPU shapes with nothing beyond WebGPU's core: runs anywhere, and the golden `*.plan`. */
export const GENERIC: Target = { name: 'cpu', shapes: 'cpu', limits: DEFAULT_LIMITS };
/** What the runtime picks on lavapipe once its probe confirms 8-lane subgroups. */
export const LAVAPIPE: Target = { name: 'lavapipe', shapes: 'cpu', subgroup: 8, limits: DEFAULT_LIMITS };
/** GPU shapes: any adapter that is not a CPU; the golden `*.gpu.plan`. */
export const GPU: Target = { name: 'gpu', shapes: 'gpu', limits: DEFAULT_LIMITS };

export const TARGETS: readonly Target[] = [GENERIC, LAVAPIPE, GPU];

/** CPU shapes with subgroups of `lanes`: a CPU adapter whose probe passed. */
export function cpuWithSubgroups(lanes: number): Target {
  return lanes === LAVAPIPE.subgroup ? LAVAPIPE : { name: `cpu, ${lanes}-lane subgroups`, shapes: 'cpu', subgroup: lanes, limits: DEFAULT_LIMITS };
}

/** Workgroups per dispatch dimension that every device allows (WebGPU's default limit); larger dispatches use a second dimension. */
export const MAX_GROUPS = 65535;
