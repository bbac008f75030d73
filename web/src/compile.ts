// What the playground shows for a spec, computed by the compiler's own modules
// (no second implementation): diagnostics, the drawing, the IR after any pass,
// the kernel plan, the WGSL and the compile stats. Pure and browser-safe, so
// vitest runs it in Node exactly as the page does.
import type * as A from '../../src/dsl/ast.js';
import { hasErrors } from '../../src/util/diagnostics.js';
import { parseSpec } from '../../src/dsl/index.js';
import { drawSvg } from '../../src/draw/svg.js';
import type { ChainProgram, Frontend } from '../../src/frontend.js';
import { checkParsed } from '../../src/frontend.js';
import type { Graph } from '../../src/ir/graph.js';
import { printGraph } from '../../src/ir/print.js';
import { STAGE_NAMES, callStats, opStats, runPasses, type CallStats, type Stage } from '../../src/passes/pipeline.js';
import { planModules, planStats, planText, type PlanStats } from '../../src/codegen/plan-text.js';
import type { StepProgram } from '../../src/codegen/step.js';
import { GENERIC } from '../../src/ir/target.js';
import { specStep } from '../../src/spec-step.js';

export { STAGE_NAMES };
export type StageName = (typeof STAGE_NAMES)[number];

/** What the front end made of a spec, and the data file it waits for, if any. */
export interface Checked extends Frontend {
  /** The spec reads `data file PATH` and the page has no file for it yet: a browser cannot read a path. */
  needsFile?: string;
}

/**
 * The front end as the CLI runs it, except that a page cannot read paths: a
 * `data file` spec takes its shape from the file the user picked
 * (`dataShape`), and without one it is parsed only and says which file it needs.
 */
export function check(source: string, file: string, dataShape?: readonly number[]): Checked {
  const parsed = parseSpec(source, file);
  const { spec, diagnostics } = parsed;
  if (spec.data?.kind === 'file' && !dataShape && !hasErrors(diagnostics)) return { spec, diagnostics, programs: [], needsFile: spec.data.path };
  return checkParsed(parsed, () => dataShape ?? []);
}

/** The program of the named configuration, or the first. */
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

/** Every stage's graph, computed once per program and kept (passes are pure). */
export class Compilation {
  private stagesCache: Stage[] | undefined;
  private codegenCache: { plan: StepProgram; ms: number } | undefined;
  passMs = 0;

  constructor(
    readonly spec: A.Spec,
    readonly program: ChainProgram,
  ) {}

  get stages(): Stage[] {
    if (!this.stagesCache) {
      const t0 = now();
      this.stagesCache = runPasses(this.program.graph, this.spec);
      this.passMs = now() - t0;
    }
    return this.stagesCache;
  }

  /** After every pass: the graph a training step runs (outputs [loss, grad.<param>...]). */
  get final(): Graph {
    return this.stages.at(-1)!.graph;
  }

  /** `tx ir --after STAGE`. */
  ir(stage: StageName = 'lower'): string {
    if (stage === 'lower') return printGraph(this.program.graph, this.program.flow);
    const g = this.stages.find((s) => s.pass === stage)!.graph;
    return printGraph(g, stage === 'simplify-chain' ? this.program.flow : undefined).replace(/^# /, `# after ${stage}: `);
  }

  /** The training step's program (`tx compile`); a data file's, which a page does not read, has the graph's kernels alone. */
  get codegen(): { plan: StepProgram; ms: number } {
    if (!this.codegenCache) {
      const g = this.final;
      const t0 = now();
      const p = specStep(this.spec, this.program.config, g, GENERIC);
      this.codegenCache = { plan: p, ms: now() - t0 };
    }
    return this.codegenCache;
  }

  /** `tx compile --emit plan`. */
  plan(): string {
    return planText(this.codegen.plan);
  }

  /** `tx compile --emit wgsl`: every dispatch's module, in order. */
  wgsl(): string {
    return planModules(this.codegen.plan)
      .map((m) => `// ${m.name}\n${m.wgsl}`)
      .join('\n');
  }

  stats(): Stats {
    const stages = this.stages;
    return {
      config: this.program.config.name,
      text: this.program.config.text,
      calls: { before: callStats(stages[0]!.graph), after: callStats(stages[1]!.graph) },
      chainValues: this.program.graph.nodes.length,
      values: this.final.nodes.length,
      ops: opStats(this.final),
      plan: planStats(this.codegen.plan),
    };
  }
}

export interface Stats {
  config: string;
  text: string;
  calls: { before: CallStats; after: CallStats };
  chainValues: number;
  values: number;
  ops: Record<string, number>;
  plan: PlanStats;
}

/** The `tx ir --stats` text, then `tx compile --stats`. */
export function statsText(s: Stats, ms?: { frontend: number; passes: number; codegen: number }): string {
  const fns = ['emulator', 'reference', 'residuum'] as const;
  const row = (label: string, c: CallStats) => `  ${label.padEnd(24)}${fns.map((f) => String(c[f]).padStart(11)).join('')}`;
  const lines = [
    `config ${s.config}: ${s.text}`,
    `calls per training step`,
    `  ${''.padEnd(24)}${fns.map((f) => f.padStart(11)).join('')}`,
    row('before (lower)', s.calls.before),
    row('after (simplify-chain)', s.calls.after),
    ``,
    `values: ${s.chainValues} in the chain graph, ${s.values} primitive after every pass`,
    `ops: ${Object.entries(s.ops).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    ``,
    `kernels at batch ${s.plan.batch}`,
    `  kernels             ${s.plan.kernels}`,
    `  dispatches per step ${s.plan.dispatchesPerStep}`,
    `  arena               ${kib(s.plan.arenaBytes)}`,
    `  inputs              ${kib(s.plan.inputBytes)}`,
    `  peak activations    ${kib(s.plan.peakActivationBytes)}`,
  ];
  if (ms) lines.push(``, `compile: front end ${ms.frontend.toFixed(1)} ms, passes ${ms.passes.toFixed(1)} ms, codegen ${ms.codegen.toFixed(1)} ms`);
  return lines.join('\n') + '\n';
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Milliseconds, in a page, a worker or Node. */
export function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
