// What the playground shows of a compiled spec beyond the compiler's own text
// forms (src/driver/compile.ts): the drawing, its count of emulator calls and
// the stats tab. Pure and browser-safe, so vitest runs it in Node exactly as
// the page does.
import { drawSvg } from '../../src/draw/svg.js';
import { callsTable, planStatsLines, type Stats } from '../../src/driver/compile.js';
import type { ChainProgram, Frontend } from '../../src/frontend.js';
import { callStats } from '../../src/passes/pipeline.js';

/** The program of the named configuration, or the first (a name the text no longer has falls back). */
export function pickProgram(fe: Frontend, config: string | undefined): ChainProgram | undefined {
  return fe.programs.find((p) => p.config.name === config) ?? fe.programs[0];
}

export function drawing(p: ChainProgram): string {
  return drawSvg(p.graph, p.flow);
}

/** Number of emulator glyphs the drawing holds: the chain's emulator calls. */
export function emulatorCalls(p: ChainProgram): number {
  return callStats(p.graph).emulator;
}

/** The `tx ir --stats` text, then `tx compile --stats`. */
export function statsText(s: Stats, ms?: { frontend: number; passes: number; codegen: number }): string {
  const lines = [
    `config ${s.config}: ${s.text}`,
    `calls per training step`,
    ...callsTable(s.calls),
    ``,
    `values: ${s.chainValues} in the chain graph, ${s.values} primitive after every pass`,
    `ops: ${Object.entries(s.ops).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    ``,
    `the training step at batch ${s.plan.batch}`,
    ...planStatsLines(s.plan),
  ];
  if (ms) lines.push(``, `compile: front end ${ms.frontend.toFixed(1)} ms, passes ${ms.passes.toFixed(1)} ms, codegen ${ms.codegen.toFixed(1)} ms`);
  return lines.join('\n') + '\n';
}
