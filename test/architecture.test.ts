// The layers of .dependency-cruiser.cjs hold: no import cycle, and no module
// imports from a layer above its own (util < dsl < ir < ops < data < passes
// < codegen < runtime < frontend < draw < train < driver < cli; src imports
// nothing from web/, bench/ or test/).
import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';
import { spawning } from './budgets.js';

test('the import graph has no cycle and no upward arrow', spawning(2), () => {
  const r = spawnSync('node_modules/.bin/depcruise', ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src', 'bench', 'web/src', 'test'], { encoding: 'utf8' });
  expect(r.stdout + r.stderr).toContain('no dependency violations found');
  expect(r.status).toBe(0);
});
