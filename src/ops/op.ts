// The contract every primitive op fulfils, in one place: its shape rule, its
// float64 CPU semantics (the oracle every GPU program answers to) and its VJP,
// which emits the backward as more nodes of the same graph IR.
import type { Attrs, GraphBuilder, Node, Shape } from '../ir/graph.js';

/** A dense row-major float64 array: the CPU interpreter's value. */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** A shape rule's complaint; the verifier adds which node it concerns. */
export class ShapeError extends Error {}

export interface OpDef {
  readonly name: string;
  /** A leaf (input, parameter, constant) declares its own shape on its node. */
  readonly leaf?: boolean;
  /** Output shape from input shapes; throws ShapeError when they disagree. */
  shape(inputs: readonly Shape[], attrs: Attrs): Shape;
  /**
   * float64 evaluation. Absent for ops that a pass must remove first (call).
   * `shape` is the node's shape with 'B' bound: the only way a constant or a
   * broadcast from f32[] learns the batch size.
   */
  eval?(inputs: readonly Tensor[], attrs: Attrs, shape: readonly number[]): Tensor;
  /**
   * Reverse mode: emit nodes into `b` that compute the cotangent of each input
   * from `cot`, the id of the output's cotangent; null for a zero cotangent.
   * `node.inputs` are already ids in `b` (the forward values).
   */
  vjp?(b: GraphBuilder, node: Node, cot: string): (string | null)[];
}

export function expectArity(inputs: readonly Shape[], n: number, op: string): void {
  if (inputs.length !== n) throw new ShapeError(`${op} takes ${n} input(s), got ${inputs.length}`);
}
