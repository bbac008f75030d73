// Limits on what a whole file asks for, judged from the checked AST before
// anything is built: the unrolled chain graphs and a generated data set.
import type * as A from './ast.js';
import { LIMITS_HINT, MAX_DATA_VALUES, MAX_UNROLLED_CALLS } from './limits.js';
import { STATE_CHANNELS } from './schema.js';
import type { Report } from './settings.js';


export function checkBudget(spec: A.Spec, report: Report): void {
  let total = 0;
  for (const c of spec.configs) {
    const n = calls(c.body);
    total += n;
    if (total > MAX_UNROLLED_CALLS) {
      const sofar = total === n ? 'this configuration unrolls' : `with this configuration, the file's configurations unroll`;
      report.error(c.span, `${sofar} to ${total} calls of the emulator and solvers; txc allows at most ${MAX_UNROLLED_CALLS}`, `shorten the rollout or the branch; ${LIMITS_HINT}`);
      return;
    }
  }
  const d = spec.data;
  if (d?.kind === 'generator') {
    const channels = STATE_CHANNELS[d.generator] ?? 1;
    const state = d.generator === 'lorenz63' ? channels : channels * d.points ** d.dims;
    const values = (d.trajectories * d.snapshots + d.testTrajectories * d.testSnapshots) * state;
    if (values > MAX_DATA_VALUES)
      report.error(d.span, `this data set would hold ${values} numbers; txc generates at most ${MAX_DATA_VALUES}`, `use fewer trajectories, snapshots, test_snapshots, points or dims; ${LIMITS_HINT}`);
  }
}

/** Emulator, reference and residuum calls in the configuration's chain graph. */
function calls(b: A.ConfigBody): number {
  switch (b.kind) {
    case 'supervised':
    case 'teacher_forcing':
    case 'mix':
      return b.rollout;
    case 'residuum':
      return 2 * b.rollout;
    case 'diverted':
      // The main chain, then at each level a branch of emulator and reference steps.
      return b.branchOne ? 2 * b.rollout : b.rollout - b.branch + (b.rollout - b.branch + 1) * b.branch * 2;
    case 'composite':
      return b.parts.reduce((n, p) => n + calls(p.config), 0);
    default:
      return b satisfies never;
  }
}
