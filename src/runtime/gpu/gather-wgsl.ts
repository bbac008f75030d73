// The minibatch gather: the step's data inputs (`ic`, `target[t]`) written
// into their arena slots from the trajectories kept on the GPU, for the
// window ids in `windows` — the index arithmetic of data/windows.ts, so a
// window is never materialised on the host.
import type { Phase } from '../../codegen/wgsl.js';
import { MAP_WORKGROUP } from '../../codegen/fuse.js';
import { tripCount } from '../../ops/op.js';

/**
 * Floats one thread copies. A snapshot is contiguous at both ends, and on a
 * software driver (lavapipe) an invocation costs far more than a copy: a
 * thread per float made the gather 4x slower than a thread per 64.
 */
const RUN = 64;

export interface GatherPlan {
  /** Per data input: its arena offset and the snapshot of the window it holds. */
  inputs: { offset: number; snapshot: number }[];
  /** Floats per snapshot. */
  stateSize: number;
  /** Snapshots per trajectory. */
  snapshots: number;
  /** Windows per trajectory: snapshots - window + 1 when sub-stacked, else 1 (the window at 0). */
  perTrajectory: number;
}

/** Threads: inputs × batch × runs per snapshot. */
export function gatherThreads(p: GatherPlan, batch: number): number {
  return p.inputs.length * batch * Math.ceil(p.stateSize / RUN);
}

export function gatherPhase(p: GatherPlan): Phase {
  const k = p.inputs.length;
  const runs = Math.ceil(p.stateSize / RUN);
  const list = (f: (x: GatherPlan['inputs'][number]) => number) => p.inputs.map((x) => `${f(x)}u`).join(', ');
  const count = `${k * runs}u * u.B`;
  return {
    label: 'gather',
    fn: 'gather',
    count,
    threads: (batch) => gatherThreads(p, batch),
    workgroup: MAP_WORKGROUP,
    merge: true,
    offsets: [],
    reads: 'all',
    writes: 'all',
    code: `// gather: ${k} data input(s) of ${p.stateSize} floats per sample
fn gather(i: u32) {
  if (i >= ${count}) { return; }
  var offsets = array<u32, ${k}>(${list((x) => x.offset)});
  var snapshot = array<u32, ${k}>(${list((x) => x.snapshot)});
  let row = i / ${runs}u;
  let input = row / u.B;
  let b = row % u.B;
  let w = windows[b];
  let src = ((w / ${p.perTrajectory}u) * ${p.snapshots}u + w % ${p.perTrajectory}u + snapshot[input]) * ${p.stateSize}u;
  let dst = offsets[input] + b * ${p.stateSize}u;
  let first = (i % ${runs}u) * ${RUN}u;
  for (var e = first; e < min(first + ${tripCount(RUN)}, ${p.stateSize}u); e++) { arena[dst + e] = trajectories[src + e]; }
}
`,
  };
}
