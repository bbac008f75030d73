// A study's rows gathered over seeds: statistics over the seeds that finished
// with a number, failures as notes, and a diverged rollout's inf kept in sight.
import { describe, expect, test } from 'vitest';
import type * as A from '../../src/dsl/ast.js';
import { seedCurve, tableCsv, tableMd, type CellRow } from '../../src/train/study-table.js';

const span = { offset: 0, line: 1, column: 1, length: 1 };
const cell = (values: string[]): A.StudyCell => ({ name: `emulator=${values[0]},lr=${values[1]}`, values, spec: {} as A.Spec });
const study: A.StudyDecl = {
  name: 's',
  axes: [
    { path: 'emulator', values: ['a', 'b'], valueSpans: [span, span], span },
    { path: 'lr', values: ['1e-2'], valueSpans: [span], span },
  ],
  seeds: 4,
  report: { metric: 'nRMSE', aggregate: 'geometric_mean', upTo: 3 },
  cells: [],
  span,
};
const rows: CellRow[] = [
  {
    cell: cell(['a', '1e-2']),
    seeds: [
      { status: 'done', seed: 0, aggregate: 1, curve: [1, 2, 3] },
      { status: 'done', seed: 1, aggregate: 4, curve: [3, 4, 5] },
      { status: 'done', seed: 2, aggregate: 2, curve: [2, 3, 4] },
      { status: 'done', seed: 3, aggregate: 3, curve: [2, 3] },
    ],
  },
  {
    cell: cell(['b', '1e-2']),
    seeds: [
      { status: 'failed', seed: 0, message: 'the loss is NaN at step 3 (lr 0.01)' },
      { status: 'done', seed: 2, aggregate: Infinity, curve: [1, Infinity, Infinity] },
    ],
  },
];

describe('study tables', () => {
  test('mean ± std (ddof 0), median of an even count, extremes; failures as notes', () => {
    const lines = tableMd(study, rows, 'x.tx').split('\n');
    expect(lines).toContain('| cell | emulator | lr | seeds | gmean nRMSE 1-3: mean ± std | median | min | max | notes |');
    expect(lines).toContain('| 0 | a | 1e-2 | 4/4 | 2.500 ± 1.1 | 2.500 | 1.000 | 4.000 |  |');
    expect(lines).toContain('| 1 | b | 1e-2 | 2/4 | inf ± nan | inf | inf | inf | seed 0: the loss is NaN at step 3 (lr 0.01) |');
  });
  test('CSV: one row per cell, the name quoted, each seed listed', () => {
    expect(tableCsv(study, rows).split('\n')).toEqual([
      'cell,name,emulator,lr,seeds_done,seeds_failed,mean,std,median,min,max,values',
      '0,"emulator=a,lr=1e-2",a,1e-2,4,0,2.5,1.118033988749895,2.5,1,4,1;4;2;3',
      '1,"emulator=b,lr=1e-2",b,1e-2,1,1,inf,nan,inf,inf,inf,failed;inf',
      '',
    ]);
  });
  test("the curve over seeds: their mean and min to max, as long as the shortest", () => {
    expect(seedCurve(rows[0]!, 'nRMSE')).toMatchObject({ name: 'nRMSE', mean: [2, 3], min: [1, 2], max: [3, 4] });
    expect(seedCurve({ cell: rows[1]!.cell, seeds: [rows[1]!.seeds[0]!] }, 'nRMSE')).toBeUndefined();
  });
});
