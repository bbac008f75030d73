// Evaluation during training: the same numbers as the end of a run, which
// parameters are best, and train-eval.csv read back where a run resumes.
import { describe, expect, test } from 'vitest';
import { evaluateEmulator, testSet } from '../../src/train/evaluate.js';
import { evalCsv, parseEvalCsv, PeriodicEval } from '../../src/train/periodic-eval.js';
import { TINY, tinyRun, trainRun } from './helpers.js';

describe('eval every N', () => {
  test("each evaluation is evaluate.ts's, its score the mean nRMSE; the best is the lowest so far", async () => {
    const run = tinyRun(TINY.replace('steps 10', 'steps 10  eval every 5'));
    expect(run.train.evalEvery).toBe(5);
    const test_ = testSet(run.spec.data!, run.dataset);
    const evals = new PeriodicEval(run.spec, test_);
    const bests: boolean[] = [];
    const r = await trainRun(run, { evalEvery: 5, onEval: (step, params) => void bests.push(evals.evaluate(step, params).best) });
    expect(evals.rows.map((x) => x.step)).toEqual([5, 10]);
    const last = evals.rows[1]!;
    expect(last.nrmse).toEqual(evaluateEmulator(run.spec, r.checkpoint.params, test_).evaluation.nrmse);
    expect(last.score).toBe(last.nrmse.reduce((a, x) => a + x.value, 0) / last.nrmse.length);
    expect(bests[0]).toBe(true);
    expect(bests[1]).toBe(last.score < evals.rows[0]!.score);
  });

  test('train-eval.csv reads back to the rows up to a step, so a resumed run knows the best so far', () => {
    const rows = [5, 10, 15].map((step) => ({ step, nrmse: [{ step: 1, value: 1 / step }, { step: 10, value: 0.1 + 0.2 }], score: 2 / step }));
    const text = evalCsv(rows);
    expect(text.split('\n')[0]).toBe('step,nrmse_1,nrmse_10,score');
    expect(parseEvalCsv(text, 10)).toEqual(rows.slice(0, 2));
    expect(parseEvalCsv('not,a,log\n', 10)).toEqual([]);
    const run = tinyRun();
    const resumed = new PeriodicEval(run.spec, testSet(run.spec.data!, run.dataset), parseEvalCsv(text, 10));
    // The kept rows are the log the resumed run appends to.
    expect(resumed.rows).toHaveLength(2);
  });
});
