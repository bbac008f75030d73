// Every spec's chain IR and kernel plan are checked in beside it (*.ir,
// *.plan; *.gpu.plan for a few), the bench's workloads' too. A failure prints the diff; after reading it, accept the change with
// `tx snapshot specs --update`.
import { describe, expect, test } from 'vitest';
import { existsSync } from 'node:fs';
import { compareSnapshot, findSpecs, goldenPath, snapshotDiff } from '../src/snapshot.js';

const specs = [...findSpecs('specs'), ...findSpecs('bench/specs')];

describe('golden chain IR and kernel plans', () => {
  test('the spec collection is all there', () => {
    expect(specs.filter((s) => s.includes('/showcase/')).length).toBeGreaterThanOrEqual(28);
    expect(specs.filter((s) => s.includes('/quickstart/')).length).toBe(3);
    // The GPU-shaped plans kept: the quickstart (W1a), W2, and the Lorenz MLP (W4).
    expect(specs.filter((s) => existsSync(goldenPath(s, 'gpu.plan')))).toEqual(['specs/lorenz/mlp.tx', 'specs/quickstart/rollout5.tx', 'bench/specs/w2.tx']);
  });
  test.each(specs)('%s', (file) => {
    const r = compareSnapshot(file);
    if (r.status === 'invalid') throw new Error(`${file} has errors: ${r.fe.diagnostics.map((d) => d.message).join('; ')}`);
    for (const g of r.goldens) if (g.status !== 'ok') throw new Error(g.status === 'missing' ? `no golden file ${g.goldenPath}` : snapshotDiff(g));
  });
});
