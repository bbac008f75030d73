// What the playground shows for a spec, computed by the compiler's own modules
// (no second implementation): diagnostics, the drawing, the IR after any pass,
// the kernel plan, the WGSL and the compile stats. Pure and browser-safe, so
// vitest runs it in Node exactly as the page does.
import type * as A from '../../src/dsl/ast.js';
import type { Diagnostic } from '../../src/dsl/diagnostics.js';
import { UserError, diagnosticAt } from '../../src/dsl/diagnostics.js';
import { parseSpec } from '../../src/dsl/index.js';
import { drawSvg } from '../../src/draw/svg.js';
import type { ChainProgram, Frontend } from '../../src/frontend.js';
import { frontend } from '../../src/frontend.js';
import type { Graph } from '../../src/ir/graph.js';
import { printGraph } from '../../src/ir/print.js';
import { STAGE_NAMES, callStats, opStats, runPasses, type CallStats, type Stage } from '../../src/passes/pipeline.js';
import { fuse, type Fusion } from '../../src/codegen/fuse.js';
import { allocate, type Memory } from '../../src/codegen/memory.js';
import { kernelWgsl } from '../../src/codegen/wgsl.js';

export { STAGE_NAMES };
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * The front end as the CLI runs it, except that a page cannot read files: a
 * `data file` spec gets a diagnostic on its data statement instead of a shape.
 */
export function check(source: string, file: string): Frontend {
  const noFiles = (path: string): never => {
    throw new NoDataFiles(path);
  };
  try {
    return frontend(source, file, noFiles);
  } catch (e) {
    if (!(e instanceof NoDataFiles)) throw e;
    const { spec, diagnostics } = parseSpec(source, file);
    diagnostics.push(
      diagnosticAt(file, spec.data!.span, `the playground cannot read the data file "${e.path}"`, 'use a built-in generator here (advection1d, diffusion1d, burgers1d, lorenz63), or `tx train` on the command line'),
    );
    return { spec, diagnostics, programs: [] };
  }
}

class NoDataFiles extends UserError {
  constructor(readonly path: string) {
    super(`cannot read ${path} in a page`);
  }
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
  private codegenCache: { fusion: Fusion; memory: Memory; ms: number } | undefined;
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

  /** Kernels and arena for the training run's batch. */
  get codegen(): { fusion: Fusion; memory: Memory; ms: number } {
    if (!this.codegenCache) {
      const g = this.final;
      const t0 = now();
      const fusion = fuse(g);
      const memory = allocate(g, fusion, this.spec.train.batch);
      this.codegenCache = { fusion, memory, ms: now() - t0 };
    }
    return this.codegenCache;
  }

  /** The kernel plan: one line per kernel, what it computes, reads and writes. */
  plan(): string {
    return kernelPlan(this.final, this.codegen.fusion, this.codegen.memory, this.spec.train.batch);
  }

  wgsl(): string {
    const { fusion, memory } = this.codegen;
    return fusion.kernels.map((k) => kernelWgsl(k, memory)).join('\n');
  }

  stats(): Stats {
    const stages = this.stages;
    const { fusion, memory } = this.codegen;
    return {
      config: this.program.config.name,
      text: this.program.config.text,
      calls: { before: callStats(stages[0]!.graph), after: callStats(stages[1]!.graph) },
      chainValues: this.program.graph.nodes.length,
      values: this.final.nodes.length,
      ops: opStats(this.final),
      kernels: fusion.kernels.length,
      stored: fusion.stored.size,
      arenaBytes: memory.floats * 4,
      batch: this.spec.train.batch,
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
  kernels: number;
  stored: number;
  arenaBytes: number;
  batch: number;
}

/** The `tx ir --stats` text, followed by what codegen makes of the step. */
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
    `kernels: ${s.kernels} (one dispatch each), ${s.stored} values in memory`,
    `arena: ${kib(s.arenaBytes)} at batch ${s.batch}`,
  ];
  if (ms) lines.push(``, `compile: front end ${ms.frontend.toFixed(1)} ms, passes ${ms.passes.toFixed(1)} ms, codegen ${ms.codegen.toFixed(1)} ms`);
  return lines.join('\n') + '\n';
}

/**
 * The kernel list derived from fusion and memory: per kernel its root op and
 * shape, how it is computed (map: a thread per element; loop: a thread per
 * element with an inner loop; reduce: a workgroup per element), the values it
 * reads from the arena, the producers inlined into it, and its output range.
 */
export function kernelPlan(g: Graph, fusion: Fusion, memory: Memory, batch: number): string {
  const range = (id: string) => {
    const s = memory.slots.get(id);
    return s ? `[${s.offset}, ${s.offset + s.size})` : '';
  };
  const rows = fusion.kernels.map((k) => [
    k.name,
    `${k.root.op} [${k.root.shape.join(',')}]`,
    k.rule.kind === 'expr' ? 'map' : k.rule.kind,
    `-> ${range(k.root.id)}`,
    `reads ${k.reads.map((r) => `%${r}`).join(' ') || '-'}`,
    k.fused.length ? `fused ${k.fused.map((n) => n.op).join(' ')}` : '',
  ]);
  const widths = rows.length ? rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length))) : [];
  const inputs = g.nodes.filter((n) => n.op === 'input');
  const lines = [
    `# ${g.title}`,
    `# ${fusion.kernels.length} kernels in one compute pass; one f32 arena of ${memory.floats} floats (${kib(memory.floats * 4)}) at batch ${batch}`,
    `# inputs: ${inputs.map((n) => `%${n.id} ${range(n.id)}`).join(', ')}`,
    `# outputs: ${g.outputs.map((o) => `%${o} ${range(o)}`).join(', ')}`,
    ...rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()),
  ];
  return lines.join('\n') + '\n';
}

function kib(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 2 ** 20 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 2 ** 20).toFixed(2)} MiB`;
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
