// The built-in systems' defaults as plain numbers, for steppers and generators.
// Derived from the checker's schema (src/dsl/schema.ts), the one table of
// names, ranges and defaults, so the two can never disagree.
import type { GeneratorName } from '../dsl/ast.js';
import { GENERATOR_EXTRA, GENERATORS, METHODS, SYSTEM_PARAMS, type Schema } from '../dsl/schema.js';

export const STEPPER_METHODS = METHODS;

function defaults(schema: Schema): Record<string, number> {
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, (v as { def: number }).def]));
}

function table(f: (g: GeneratorName) => Schema): Record<GeneratorName, Readonly<Record<string, number>>> {
  return Object.fromEntries(GENERATORS.map((g) => [g, defaults(f(g))])) as Record<GeneratorName, Record<string, number>>;
}

/** Physical and numerical parameters of a stepper (reference, residuum, coarse solver). */
export const STEPPER_PARAMS = table((g) => SYSTEM_PARAMS[g]);

/** Stepper parameters plus what only the data generator needs (initial states, warm-up). */
export const GENERATOR_PARAMS = table((g) => ({ ...SYSTEM_PARAMS[g], ...GENERATOR_EXTRA[g] }));

/**
 * `params` over `table[name]`'s defaults. The checker has already judged names
 * and ranges at their spans, so an unknown name here is a compiler bug.
 */
export function withDefaults(
  tableOf: Record<GeneratorName, Readonly<Record<string, number>>>,
  name: GeneratorName,
  params: Readonly<Record<string, number>>,
): Record<string, number> {
  const out: Record<string, number> = { ...tableOf[name] };
  for (const [key, value] of Object.entries(params)) {
    if (!(key in out)) throw new Error(`internal: ${name} has no parameter '${key}'`);
    out[key] = value;
  }
  return out;
}
