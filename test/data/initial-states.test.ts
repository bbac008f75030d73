// `ic file "u0.npy"`: a generator's trajectories start from given states. Given
// the states the generator would have drawn, the data are the generator's own;
// a file that does not fit the grid is refused with the spec's line and column.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadDataset } from '../../src/data/load.js';
import { checkSource } from '../../src/driver/node.js';
import { writeNpy } from '../../src/data/npy.js';
import type { Trajectories } from '../../src/data/trajectories.js';
import { frontend } from '../../src/frontend.js';
import { testLevels } from '../../src/train/test-levels.js';
import { UserError } from '../../src/util/diagnostics.js';

const dir = mkdtempSync(join(tmpdir(), 'tx-ic-'));
const DATA = 'advection { points 12  modes 3  trajectories 3  snapshots 6  test_trajectories 2  seed 4';
const REST = '\nemulator conv { kernel 3 }\nconfig supervised rollout 1\ntrain { steps 1  batch 1 }\n';

function spec(name: string, data: string) {
  const file = join(dir, name);
  const source = `data ${data}${REST}`;
  writeFileSync(file, source);
  const fe = frontend(source, file);
  return { file, fe };
}

/** Snapshot 0 of every trajectory, `[n, ...state]`. */
function firstStates(t: Trajectories): Trajectories {
  const [n, snapshots, ...state] = t.shape as number[];
  const size = state.reduce((a, x) => a * x, 1);
  const data = new Float64Array(n! * size);
  for (let i = 0; i < n!; i++) data.set(t.data.subarray(i * snapshots! * size, (i * snapshots! + 1) * size), i * size);
  return { shape: [n!, ...state], data };
}

describe('ic file', () => {
  const plain = spec('plain.tx', `${DATA} }`);
  const drawn = loadDataset(plain.fe.spec.data!, plain.file);

  test("the generator's own initial states give the generator's trajectories, training then held-out", () => {
    const t0 = firstStates(drawn.train);
    const h0 = firstStates(drawn.test);
    const both = { shape: [5, ...t0.shape.slice(1)], data: Float64Array.from([...t0.data, ...h0.data]) };
    writeFileSync(join(dir, 'u0.npy'), writeNpy(both));
    const withIc = spec('ic.tx', `${DATA}  ic file "u0.npy" }`);
    expect(withIc.fe.diagnostics).toEqual([]);
    expect(withIc.fe.spec.data).toMatchObject({ ic: { path: 'u0.npy', span: { line: 1, column: 99 } } });
    expect(loadDataset(withIc.fe.spec.data!, withIc.file)).toEqual(drawn);
  });

  test('other states: snapshot 0 is the file, and each trajectory is rolled out from it', () => {
    const u0 = { shape: [5, 1, 12], data: Float64Array.from({ length: 60 }, (_, i) => Math.sin(i)) };
    writeFileSync(join(dir, 'sin.npy'), writeNpy(u0));
    const s = spec('sin.tx', `${DATA}  ic file "sin.npy" }`);
    const d = loadDataset(s.fe.spec.data!, s.file);
    expect(firstStates(d.train).data).toEqual(u0.data.slice(0, 36));
    expect(firstStates(d.test).data).toEqual(u0.data.slice(36));
    expect(d.train.data.slice(12, 24)).not.toEqual(u0.data.slice(0, 12));
    // tx eval's reference starts from the given held-out states and runs on past the snapshots.
    const levels = testLevels(s.fe.spec.data!, () => d).levels();
    expect(levels.next().value).toEqual(u0.data.slice(36));
    const second = Float64Array.from([...d.test.data.slice(12, 24), ...d.test.data.slice(84, 96)]);
    expect(levels.next().value).toEqual(second);
    for (let t = 2; t < 6; t++) levels.next();
    expect(levels.next().value).toBeInstanceOf(Float64Array);
  });

  test('a shape that does not fit the grid: the spec position and a hint', () => {
    writeFileSync(join(dir, 'wrong.npy'), writeNpy({ shape: [3, 1, 16], data: new Float64Array(48) }));
    const s = spec('wrong.tx', `${DATA}  ic file "wrong.npy" }`);
    let err: unknown;
    try {
      loadDataset(s.fe.spec.data!, s.file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`${s.file}:1:99: ic file "wrong.npy" has shape [3, 1, 16], but the data block needs [5, 1, 12]`);
    expect((err as UserError).hint).toContain('for each of the 3 training trajectories + 2 held out');
    // tx check finds it from the header: a diagnostic at the setting.
    const checked = checkSource(readFileSync(s.file, 'utf8'), s.file);
    expect(checked.programs).toEqual([]);
    expect(checked.diagnostics).toMatchObject([{ severity: 'error', file: s.file, line: 1, column: 99, message: 'ic file "wrong.npy" has shape [3, 1, 16], but the data block needs [5, 1, 12]' }]);
    expect(checked.diagnostics[0]!.hint).toBe((err as UserError).hint);
    const missing = spec('missing.tx', `${DATA}  ic file "nowhere.npy" }`);
    expect(checkSource(readFileSync(missing.file, 'utf8'), missing.file).diagnostics).toMatchObject([{ line: 1, column: 99 }]);
  });

  test('written without `file`: a diagnostic with an example', () => {
    const { fe } = spec('bare.tx', `${DATA}  ic "u0.npy" }`);
    expect(fe.diagnostics.map((d) => [d.message, d.hint])).toEqual([["'ic' expects file and a quoted path", 'e.g. ic file "u0.npy"']]);
  });
});
