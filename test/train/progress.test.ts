// The plain progress line (not a terminal) counts the steps done; "step N"
// stays loss.csv's numbering, from 0, which the summary line uses.
import { describe, expect, test } from 'vitest';
import { progress } from '../../src/train/progress.js';

describe('progress lines', () => {
  test('3 steps: "3/3 steps" with the loss of step 2, and no "step 3"', () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
    const bar = progress(3, 0, '', stream);
    for (const step of [0, 1, 2]) bar.update(step + 1, { step, epoch: 0, loss: 10 + step });
    bar.stop();
    expect(lines.at(-1)).toMatch(/^3\/3 steps {2}epoch 0 {2}loss 1\.2000e\+1 {2}\S+ steps\/s\n$/);
    expect(lines.join('')).not.toContain('step 3');
  });
});
