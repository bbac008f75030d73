// What codegen may assume of the device beyond WebGPU's core: one choice,
// made by the runtime (runtime/gpu/target-probe.ts), so that a plan is a
// function of the graph, the batch and the target alone. `tx compile` and
// the golden plans use GENERIC.

export interface Target {
  /**
   * Subgroups of this many invocations, each a run of consecutive local
   * invocation indices with lane = index % subgroup. Set only where a
   * gathered load costs many times an FMA and a broadcast across lanes is
   * cheap: a CPU driver such as lavapipe, which runs a subgroup as one SIMD
   * register. There register tiles load each operand once per lane and
   * broadcast it (ops/matmul-tile.ts, ops/conv-tile.ts).
   */
  readonly subgroup?: number;
}

export const GENERIC: Target = {};
