// A generator's checked declaration for tests that call generateData directly.
import type { GeneratorData } from '../../src/dsl/ast.js';
import { METHODS } from '../../src/dsl/schema.js';

const span = { offset: 0, line: 1, column: 1, length: 1 };

/**
 * Declarations over 1-D advection on 30 points (3 + 2 held-out trajectories
 * of 9 snapshots), with `base` then each call's changes; the held-out ones
 * are as long as the training ones unless testSnapshots says, and step with the
 * system's default method, as the checker makes them.
 */
export function generatorDecl(base: Partial<GeneratorData>): (over: Partial<GeneratorData>) => GeneratorData {
  return (over) => {
    const d: Omit<GeneratorData, 'testSnapshots' | 'method'> & { testSnapshots?: number; method?: string } = {
      kind: 'generator',
      generator: 'advection',
      points: 30,
      dims: 1,
      trajectories: 3,
      snapshots: 9,
      testTrajectories: 2,
      seed: 0,
      params: {},
      span,
      ...base,
      ...over,
    };
    return { ...d, testSnapshots: d.testSnapshots ?? d.snapshots, method: d.method ?? METHODS[d.generator][0] };
  };
}
