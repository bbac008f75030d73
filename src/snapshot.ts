// Golden snapshots: every `*.tx` under a folder has its chain IR checked in
// beside it as `*.ir`. Shared by `tx snapshot` and the project's own tests,
// so users' repos and this one are held to the same rule.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { hasErrors } from './dsl/diagnostics.js';
import type { Frontend } from './frontend.js';
import { frontend } from './frontend.js';
import { printGraph } from './ir/print.js';
import { readText } from './util/files.js';

export function goldenIr(fe: Frontend): string {
  return fe.programs.map((p) => printGraph(p.graph, p.flow)).join('\n');
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

export type SnapshotResult =
  | { file: string; status: 'ok' | 'missing' | 'changed'; golden: string; actual: string; goldenPath: string }
  | { file: string; status: 'invalid'; fe: Frontend; source: string };

export function goldenPath(spec: string): string {
  return spec.replace(/\.tx$/, '.ir');
}

export function compareSnapshot(file: string): SnapshotResult {
  const source = readText(file);
  const fe = frontend(source, file);
  if (hasErrors(fe.diagnostics)) return { file, status: 'invalid', fe, source };
  const actual = goldenIr(fe);
  const gp = goldenPath(file);
  if (!existsSync(gp)) return { file, status: 'missing', golden: '', actual, goldenPath: gp };
  const golden = readText(gp);
  return { file, status: golden === actual ? 'ok' : 'changed', golden, actual, goldenPath: gp };
}

export function snapshotDiff(r: { goldenPath: string; golden: string; actual: string }): string {
  return createTwoFilesPatch(r.goldenPath, `${r.goldenPath} (now)`, r.golden, r.actual, '', '', { context: 3 });
}
