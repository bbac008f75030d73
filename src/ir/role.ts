// What a value means to the training configuration, kept on its node as data
// so that drawings and plans need not read it out of names. The pass that
// makes a value gives it its role (lower: the chain's states, calls and
// losses; inline: parameters; autodiff: cotangents); every pass that copies
// a node keeps it, and CSE keeps the role of the node that keeps its name.
// Primitive ops an inlined call expands to have none; the call's result
// keeps the call's. The text form does not print roles.

/** Where in a configuration a chain value is made. */
export interface Place {
  /** Composite part numbers, outermost first, from 1 (the names' c1.c2. prefix is [1, 2]); [] outside a composite. */
  readonly part: readonly number[];
  /** A diverted chain's branch, by the time level it leaves the main chain at (the names' b<t>. prefix). */
  readonly branch?: number;
}

/**
 * - state: the initial condition, where every chain starts;
 * - prediction: a state the chain computes and a loss judges (in a mix
 *   chain its reference steps too);
 * - reference: a state a prediction is compared with: a data snapshot, or
 *   the reference stepper's state off the main chain;
 * - residual: the residuum of two states;
 * - loss: a time-level loss, or a weighted sum of losses.
 * A stop_gradient has the role of the value it cuts.
 */
export interface ChainRole extends Place {
  readonly kind: 'state' | 'prediction' | 'reference' | 'residual' | 'loss';
}

export type Role =
  | ChainRole
  /** An emulator parameter, fed from outside (its name is the input's `param`). */
  | { readonly kind: 'parameter' }
  /**
   * The cotangent of the value `of` names (the loss for the seed, a
   * parameter for its gradient), as autodiff made it; a later pass may have
   * dropped that value where the backward does not read it.
   */
  | { readonly kind: 'cotangent'; readonly of: string };

/** The parameter a graph output is the gradient of: the value autodiff made it the cotangent of. */
export function gradientOf(role: Role | undefined, id: string): string {
  if (role?.kind !== 'cotangent') throw new Error(`internal: output %${id} is not a gradient`);
  return role.of;
}
