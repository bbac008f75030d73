// The minibatch gather: the step's data inputs (`ic`, `target[t]`) written
// into their arena slots from the trajectories kept on the GPU, for the
// window ids in `windows` — the index arithmetic of data/windows.ts, so a
// window is never materialised on the host.
import type { Graph } from '../ir/graph.js';
import { windowSnapshot } from '../ir/op-attrs.js';
import type { Target } from '../ir/target.js';
import { windowsPerTrajectory } from '../data/windows.js';
import { tripCount } from '../wgsl/text.js';
import { UserError } from '../util/diagnostics.js';
import { MAP_WORKGROUP } from './kernel.js';
import type { Memory } from './memory.js';
import { firstBankOffset, firstBankStride } from './memory.js';
import { memberTerm } from './members.js';
import type { Phase } from './wgsl.js';

/**
 * Floats one thread copies. A snapshot is contiguous at both ends, and on a
 * software driver (lavapipe) an invocation costs far more than a copy: a
 * thread per float made the gather 4x slower than a thread per 64. A GPU
 * wants the opposite: neighbouring threads copying neighbouring floats, so
 * that each load is one wide transaction (W2's gather took 73 us on an H200
 * with runs of 64). Small snapshots keep their runs there too, so that the
 * gather stays light enough to share a merged dispatch (the quickstart's).
 */
function run(target: Target, stateSize: number): number {
  return target.shapes === 'gpu' && stateSize >= 256 ? 1 : 64;
}

export interface GatherPlan {
  /** Per data input: its value, its arena offset and the snapshot of the window it holds. */
  inputs: { id: string; offset: number; snapshot: number }[];
  /** Floats per snapshot. */
  stateSize: number;
  /** Snapshots per trajectory. */
  snapshots: number;
  /** Windows per trajectory: snapshots - window + 1 when sub-stacked, else 1 (the window at 0). */
  perTrajectory: number;
  /** An ensemble's members (members.ts), each with its own windows (`maxBatch` ids apart) and copies of the inputs (`arenaStride` floats apart). */
  members: number;
  maxBatch: number;
  arenaStride: number;
}

/** How the training trajectories lie on the device, and the windows cut from them. */
export interface DataLayout {
  /** Training trajectories. */
  trajectories: number;
  /** Snapshots per trajectory. */
  snapshots: number;
  /** Floats per snapshot. */
  stateSize: number;
  /** Snapshots per window: what the configuration reads. */
  window: number;
  /** Windows per trajectory: snapshots - window + 1 when sub-stacked, else 1 (the window at 0). */
  perTrajectory: number;
}

/** The layout of trajectories `[n, snapshots, ...state]` cut into windows of `window` snapshots. */
export function dataLayout(shape: readonly number[], window: number, substack: boolean): DataLayout {
  const [trajectories = 0, snapshots = 0, ...state] = shape;
  return { trajectories, snapshots, stateSize: state.reduce((a, x) => a * x, 1), window, perTrajectory: windowsPerTrajectory(snapshots, window, substack) };
}

/** Where the gather writes each of the graph's data inputs (`ic`, `target[t]`). */
export function planGather(graph: Graph, memory: Memory, data: DataLayout, maxBatch: number): GatherPlan {
  const inputs = graph.nodes.flatMap((n) => {
    const snapshot = n.op === 'input' ? windowSnapshot(n.attrs) : undefined;
    if (snapshot === undefined) return [];
    if (snapshot >= data.window) throw new UserError(`the windows have ${data.window} snapshots, but the configuration reads snapshot ${snapshot}`);
    return [{ id: n.id, offset: firstBankOffset(memory, n.id), snapshot }];
  });
  return { inputs, stateSize: data.stateSize, snapshots: data.snapshots, perTrajectory: data.perTrajectory, members: memory.members, maxBatch, arenaStride: firstBankStride(memory) };
}

export function gatherPhase(p: GatherPlan, target: Target): Phase {
  const per = run(target, p.stateSize);
  const k = p.inputs.length;
  const runs = Math.ceil(p.stateSize / per);
  const list = (f: (x: GatherPlan['inputs'][number]) => number) => p.inputs.map((x) => `${f(x)}u`).join(', ');
  const count = `${k * runs}u * u.B`;
  const code = `// gather: ${k} data input(s) of ${p.stateSize} floats per sample
fn gather(i: u32) {
  if (i >= ${count}) { return; }
  var offsets = array<u32, ${k}>(${list((x) => x.offset)});
  var snapshot = array<u32, ${k}>(${list((x) => x.snapshot)});
  let row = i / ${runs}u;
  let input = row / u.B;
  let b = row % u.B;
  let w = windows[b${memberTerm(p.members, p.maxBatch)}];
  let src = ((w / ${p.perTrajectory}u) * ${p.snapshots}u + w % ${p.perTrajectory}u + snapshot[input]) * ${p.stateSize}u;
  let dst = offsets[input] + b * ${p.stateSize}u${memberTerm(p.members, p.arenaStride)};
  let first = (i % ${runs}u) * ${per}u;
  for (var e = first; e < min(first + ${tripCount(per)}, ${p.stateSize}u); e++) { arena[dst + e] = trajectories[src + e]; }
}
`;
  return {
    name: 'gather',
    label: 'gather',
    count,
    threads: (batch) => k * batch * runs,
    workgroup: MAP_WORKGROUP,
    merge: true,
    offsets: [],
    reads: 'all',
    writes: 'all',
    emit: () => ({ fn: 'gather', code }),
  };
}
