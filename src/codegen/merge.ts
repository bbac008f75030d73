// Merged dispatches: runs of consecutive light phases become one dispatch of
// one workgroup that strides over each phase in turn, with storage barriers
// only where a phase depends on one before it (wgsl.ts, moduleWgsl). On
// lavapipe a dispatch costs about 11 us and a barrier in a merged one about
// 3 us, so a step of many small kernels (the quickstart's) runs several
// times faster; a phase with many threads or heavy threads keeps its own
// dispatch, where its workgroups spread over every core.
import type { Phase } from './wgsl.js';
import { MAX_GROUPS } from '../ir/target.js';

/** Most threads a phase may have to share a dispatch (at the largest batch). */
const MERGE_THREADS = 1024;
/**
 * Most phases in one merged dispatch: LLVM's compile time grows faster than
 * the module (the quickstart at rollout 5 took lavapipe 7.9 s to compile
 * uncached as one dispatch of 21 phases, 4.5 s in groups of 8, 3.4 s
 * unmerged), while groups of 8 keep most of the speed (W1b 1.21 ms per step,
 * against 1.13 merged whole and 1.64 unmerged).
 */
export const MERGE_PHASES = 8;

/** Phases in dispatch order, grouped: a group of several is one merged dispatch. */
export function groupPhases(phases: readonly Phase[], maxBatch: number): Phase[][] {
  const groups: Phase[][] = [];
  let run: Phase[] = [];
  const flush = () => {
    if (run.length) groups.push(run);
    run = [];
  };
  for (const p of phases) {
    if (run.length >= MERGE_PHASES) flush();
    if (p.merge && p.threads(maxBatch) <= MERGE_THREADS) run.push(p);
    else {
      flush();
      groups.push([p]);
    }
  }
  flush();
  return groups;
}

/** Workgroups of a group's dispatch at `batch`: one for a merged group. */
function workgroupCount(group: readonly Phase[], batch: number): number {
  const [only] = group;
  if (group.length > 1 || !only || only.sweepAlone) return 1;
  return only.tree ? only.tree.groups(batch) : Math.ceil(only.threads(batch) / only.workgroup);
}

/** The same, split over two dimensions past MAX_GROUPS (a tree indexes by workgroup id alone, so it cannot be). */
export function groupWorkgroups(group: readonly Phase[], batch: number): { x: number; y: number } {
  const n = workgroupCount(group, batch);
  if (group[0]?.tree && n > MAX_GROUPS) throw new Error(`internal: ${group[0].label} reduces with ${n} workgroups, more than a dimension allows`);
  return n <= MAX_GROUPS ? { x: Math.max(1, n), y: 1 } : { x: MAX_GROUPS, y: Math.ceil(n / MAX_GROUPS) };
}

export function groupLabel(group: readonly Phase[]): string {
  return group.length === 1 ? group[0]!.label : `merged ${group.length}: ${group.map((p) => p.label.split(' ')[0]).join(' ')}`;
}
