// A configuration through the compiler: every stage's graph (the passes), the
// kernel plan and its WGSL, and their text forms as `tx ir` and `tx compile`
// print them. Each is computed once, when first asked for: the page shows one
// tab at a time, and a training run needs only the last graph.
import type * as A from '../dsl/ast.js';
import { planModules, planStats, planText, type PlanStats } from '../codegen/plan-text.js';
import type { StepProgram } from '../codegen/step.js';
import type { ChainProgram } from '../frontend.js';
import type { Graph } from '../ir/graph.js';
import { GENERIC } from '../ir/target.js';
import { printGraph } from '../ir/print.js';
import { callStats, opStats, runPasses, type CallStats, type Stage, type STAGE_NAMES } from '../passes/pipeline.js';
import { specStep } from '../spec-step.js';

export type StageName = (typeof STAGE_NAMES)[number];

/** What a training run is prepared from: a Compilation, or the plain copy of one a page's worker sends. */
export interface CompiledConfig {
  spec: A.Spec;
  program: ChainProgram;
  /** After every pass: the graph a training step runs (outputs [loss, grad.<param>...]). */
  final: Graph;
}

export class Compilation implements CompiledConfig {
  private stagesCache: Stage[] | undefined;
  private codegenCache: { plan: StepProgram; ms: number } | undefined;
  /** Milliseconds the passes took, once they have run. */
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

  get final(): Graph {
    return this.stages.at(-1)!.graph;
  }

  /** `tx ir --after STAGE`. */
  ir(stage: StageName = 'lower'): string {
    if (stage === 'lower') return printGraph(this.program.graph, this.program.flow);
    const g = this.stages.find((s) => s.pass === stage)!.graph;
    return printGraph(g, stage === 'simplify-chain' ? this.program.flow : undefined).replace(/^# /, `# after ${stage}: `);
  }

  /** The training step's program (`tx compile`); for a data file spec, whose trajectory count it is not given, the graph's kernels alone. */
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

/** The table of emulator, reference and residuum calls per training step, before and after simplify-chain (`tx ir --stats`, the page's stats). */
export function callsTable(calls: { before: CallStats; after: CallStats }): string[] {
  const fns = ['emulator', 'reference', 'residuum'] as const;
  const row = (label: string, c: CallStats) => `  ${label.padEnd(24)}${fns.map((f) => String(c[f]).padStart(11)).join('')}`;
  return [`  ${''.padEnd(24)}${fns.map((f) => f.padStart(11)).join('')}`, row('before (lower)', calls.before), row('after (simplify-chain)', calls.after)];
}

/** Milliseconds, in a page, a worker or Node. */
export function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}

/** A step program's numbers, one per line, as `tx compile --stats` and the page's stats tab print them. */
export function planStatsLines(s: PlanStats): string[] {
  const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
  return [
    `  FLOPs per step      ${(s.flops / 1e6).toPrecision(3)} M (the graph's: forward, backward and losses; not the gather or the optimizer)`,
    `  kernels             ${s.kernels} (the graph's; the training step adds the gather and the optimizer)`,
    `  dispatches per step ${s.dispatchesPerStep}`,
    `  distinct modules    ${s.distinctModules} (pipelines to compile)`,
    `  arena               ${kib(s.arenaBytes)}`,
    `  inputs              ${kib(s.inputBytes)}`,
    `  peak activations    ${kib(s.peakActivationBytes)}`,
    `  GPU memory          ${kib(s.gpuBytes)} (every buffer of the step at batch ${s.batch}, the arena among them; all held throughout, so the step's peak)`,
  ];
}
