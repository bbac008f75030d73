// Golden snapshots: every `*.tx` under a folder has its chain IR (`*.ir`)
// and its training step program (`*.plan`, at the spec's train batch or
// all the windows where they are fewer, CPU shapes, the limits of a plan
// made without a device: ir/target.ts) checked in beside it, and where a
// `*.gpu.plan` is there too, the program with GPU shapes (ir/target.ts). A
// file that names several emulators keeps each one's, in the file's order.
// Shared by `tx snapshot` and the project's own tests, so users' repos and
// this one are held to the same rule.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { hasErrors } from './util/diagnostics.js';
import type { Frontend } from './frontend.js';
import { frontend } from './frontend.js';
import { withEmulator } from './one-emulator.js';
import { planText } from './codegen/plan-text.js';
import { GENERIC, GPU } from './ir/target.js';
import { fileShape, fileSnapshotShape } from './data/load.js';
import { printGraph } from './ir/print.js';
import { runPasses } from './passes/pipeline.js';
import { specStep } from './spec-step.js';
import { readText } from './util/files.js';

export const GOLDEN_KINDS = ['ir', 'plan'] as const;
/** Kept only where the file exists: a spec opts in by having one. */
export const OPTIONAL_GOLDEN_KINDS = ['gpu.plan'] as const;
export type GoldenKind = (typeof GOLDEN_KINDS)[number] | (typeof OPTIONAL_GOLDEN_KINDS)[number];

/** `fileShape` reads a data file's shape, for a spec that trains on one. A file that names several emulators: each one's in turn, after a line naming it. */
export function golden(fe: Frontend, kind: GoldenKind, fileShape?: (path: string) => readonly number[]): string {
  if (fe.spec.emulators.length > 1) return eachEmulator(fe).map((one, i) => `# emulator ${fe.spec.emulators[i]!.name}\n${golden(one, kind, fileShape)}`).join('\n');
  if (kind === 'ir') return fe.programs.map((p) => printGraph(p.graph, p.flow)).join('\n');
  const target = kind === 'gpu.plan' ? GPU : GENERIC;
  return fe.programs.map((p) => planText(specStep(fe.spec, p.config, runPasses(p.graph, fe.spec).at(-1)!.graph, target, { ...(fileShape && { fileShape }) }))).join('\n');
}

function eachEmulator(fe: Frontend): Frontend[] {
  return fe.spec.emulators.map((e) => withEmulator(fe, e, fileSnapshotShape(fe.spec.file)));
}

export function findSpecs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.tx')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export type GoldenResult = { file: string; status: 'ok' | 'missing' | 'changed'; golden: string; actual: string; goldenPath: string };
export type SnapshotResult = { file: string; status: 'checked'; goldens: GoldenResult[] } | { file: string; status: 'invalid'; fe: Frontend; source: string };

export function goldenPath(spec: string, kind: GoldenKind): string {
  return spec.replace(/\.tx$/, `.${kind}`);
}

/** `only`: compare these kinds alone (a user's repo may keep just the IR). */
export function compareSnapshot(file: string, only?: readonly GoldenKind[]): SnapshotResult {
  const source = readText(file);
  const fe = frontend(source, file, fileSnapshotShape(file));
  if (hasErrors(fe.diagnostics)) return { file, status: 'invalid', fe, source };
  // The front end checks the first emulator; the others' errors would leave their goldens empty.
  const wrong = fe.spec.emulators.length > 1 ? eachEmulator(fe).find((one) => hasErrors(one.diagnostics)) : undefined;
  if (wrong) return { file, status: 'invalid', fe: wrong, source };
  const kinds = [...GOLDEN_KINDS, ...OPTIONAL_GOLDEN_KINDS.filter((k) => existsSync(goldenPath(file, k)))].filter((k) => !only || only.includes(k));
  const goldens = kinds.map((kind): GoldenResult => {
    const actual = golden(fe, kind, fileShape(file));
    const gp = goldenPath(file, kind);
    if (!existsSync(gp)) return { file, status: 'missing', golden: '', actual, goldenPath: gp };
    const expected = readText(gp);
    return { file, status: expected === actual ? 'ok' : 'changed', golden: expected, actual, goldenPath: gp };
  });
  return { file, status: 'checked', goldens };
}

export function snapshotDiff(r: { goldenPath: string; golden: string; actual: string }): string {
  return createTwoFilesPatch(r.goldenPath, `${r.goldenPath} (now)`, r.golden, r.actual, '', '', { context: 3 });
}
