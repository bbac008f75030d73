// The built-in systems' defaults as plain numbers, for steppers and generators.
// Derived from the checker's schema (src/dsl/schema.ts), the one table of
// names, ranges and defaults, so the two can never disagree.
import type { GeneratorName, ParamValue } from '../dsl/ast.js';
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
 * A system's parameters, its defaults where the spec gives none. The checker
 * has already judged names and ranges at their spans, so a name the system
 * lacks is a compiler bug.
 */
export class SystemParams {
  private constructor(
    readonly name: GeneratorName,
    private readonly values: Readonly<Record<string, ParamValue>>,
  ) {}

  /** `params` over `tableOf[name]`'s defaults. */
  static of(tableOf: Record<GeneratorName, Readonly<Record<string, number>>>, name: GeneratorName, params: Readonly<Record<string, ParamValue>>): SystemParams {
    const out: Record<string, ParamValue> = { ...tableOf[name] };
    for (const [key, value] of Object.entries(params)) {
      if (!(key in out)) throw new Error(`internal: ${name} has no parameter '${key}'`);
      out[key] = value;
    }
    return new SystemParams(name, out);
  }

  /** A parameter only some systems have (Lorenz-63's warm-up), or undefined. */
  find(key: string): number | undefined {
    return key in this.values ? this.get(key) : undefined;
  }

  get(key: string): number {
    const v = this.values[key];
    if (typeof v !== 'number') throw new Error(`internal: ${this.name} has ${v === undefined ? 'no parameter' : 'a list for'} '${key}'`);
    return v;
  }

  /** A parameter that may differ per spatial axis (cfl), on each of `dims` axes: one number is the same on all. */
  perAxis(key: string, dims: number): number[] {
    const v = this.values[key];
    if (v === undefined) throw new Error(`internal: ${this.name} has no parameter '${key}'`);
    if (typeof v === 'number') return Array<number>(dims).fill(v);
    if (typeof v !== 'object') throw new Error(`internal: ${this.name}'s '${key}' is not a number`);
    if (v.length !== dims) throw new Error(`internal: ${this.name}'s '${key}' has ${v.length} values for ${dims} axes`);
    return [...v];
  }

  /** The values of `keys` (a generator's parameters narrowed to its stepper's). */
  pick(keys: readonly string[]): Record<string, ParamValue> {
    return Object.fromEntries(keys.map((k) => [k, this.values[k]!]));
  }
}
