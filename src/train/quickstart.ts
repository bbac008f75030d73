// `tx quickstart`: Trainax's README experiment, repeated over seeds. Each
// rollout length trains the same data from several emulator initialisations
// and minibatch orders; the measure is the learned kernel's distance to the
// upwind stencil, which should shrink as the rollout grows.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/diagnostics.js';

export const QUICKSTART_ROLLOUTS = [1, 5, 20] as const;

/** Trainax's README: distance after 1000 steps of Adam 1e-2, one seed. */
export const TRAINAX_DISTANCE: Record<number, number> = { 1: 0.033, 5: 0.025, 20: 0.017 };

/** specs/quickstart of this package, found from this module whether it runs bundled (dist/) or from src/. */
export function quickstartDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const d = join(dir, 'specs', 'quickstart');
    if (existsSync(d)) return d;
    if (dirname(dir) === dir) throw new UserError('cannot find specs/quickstart beside the tx installation');
  }
}

export interface QuickstartRow {
  rollout: number;
  distances: number[];
  seconds: number;
}

export function quickstartTable(rows: readonly QuickstartRow[]): string {
  const head = ['rollout', 'mean', 'std', 'min', 'max', 'seeds', 'Trainax', 'time'];
  const body = rows.map((r) => {
    const n = r.distances.length;
    const mean = r.distances.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(r.distances.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
    return [
      String(r.rollout),
      mean.toFixed(4),
      n > 1 ? std.toFixed(4) : '-',
      Math.min(...r.distances).toFixed(4),
      Math.max(...r.distances).toFixed(4),
      String(n),
      TRAINAX_DISTANCE[r.rollout]?.toFixed(3) ?? '-',
      `${r.seconds.toFixed(1)} s`,
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), ...body.map(line)].join('\n') + '\n';
}
