import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { planModules, planStats, planText } from '../../codegen/plan-text.js';
import { fileShape } from '../../data/load.js';
import type { Target } from '../../ir/target.js';
import { GENERIC, TARGETS, withLimits } from '../../ir/target.js';
import { printGraph } from '../../ir/print.js';
import type * as A from '../../dsl/ast.js';
import type { ChainProgram } from '../../frontend.js';
import { runPasses } from '../../passes/pipeline.js';
import { specStep } from '../../spec-step.js';
import { gpuExecutor } from '../../train/executors.js';
import { planStatsLines } from '../../driver/compile.js';
import { loadRun } from '../../driver/node.js';
import { emulatorOption, oneEmulator } from '../emulators.js';
import { loadSpec, selectPrograms, writeAtomic } from '../io.js';
import { positiveInt } from '../options.js';

type Emit = 'ir' | 'plan' | 'wgsl';

function targetNamed(v: string): Target {
  const t = TARGETS.find((x) => x.name === v);
  if (!t) throw new InvalidArgumentError(`expected ${TARGETS.map((x) => x.name).join(', ')}`);
  return t;
}

export function register(program: Command): void {
  program
    .command('compile')
    .description("compile configurations to GPU kernels: print or write the IR, the training step's program or its WGSL, and statistics")
    .argument('<file>', '.tx file')
    .addOption(new Option('-e, --emit <kind>', 'what to print or write').choices(['ir', 'plan', 'wgsl']).default('plan'))
    .option('-c, --config <name>', 'only this configuration')
    .option('-o, --out <dir>', 'write files (<config>.ir, <config>.plan, <config>/<dispatch>.wgsl) into this folder')
    .option('-b, --batch <n>', "the batch to plan memory for (default: the spec's train batch, or the windows there are where fewer)", positiveInt)
    .option('-s, --stats', "kernels and dispatches per step, arena and peak activation bytes, and the step's GPU memory")
    .option('--json', 'with --stats: as JSON')
    .option('--time', "stats, and: build the training step as tx train does (the spec's batch, this device's target) on this machine's GPU and time each distinct pipeline's first run (its compile, on lavapipe)")
    .option(
      '-t, --target <name>',
      `the device class to plan for: ${TARGETS.map((t) => t.name).join(', ')} (cpu: CPU shapes on core WebGPU, the golden *.plan; lavapipe: with its 8-lane subgroups; gpu: GPU shapes, the golden *.gpu.plan). --time always uses this machine's device`,
      targetNamed,
      GENERIC,
    )
    .option('--buffer-limit <MiB>', "the most one buffer may take on the device planned for (default: WebGPU's 128 MiB a storage binding, as lavapipe allows; an H200 allows 2048)", positiveInt)
    // -e is --emit's.
    .addOption(emulatorOption('--emulator <name>'))
    .action(async (file: string, opts: { emit: Emit; config?: string; out?: string; batch?: number; stats?: boolean; json?: boolean; time?: boolean; target: Target; bufferLimit?: number; emulator?: string }) => {
      const fe = oneEmulator(loadSpec(file), opts.emulator, 'compile');
      const bytes = opts.bufferLimit && opts.bufferLimit * 2 ** 20;
      const target = bytes ? withLimits(opts.target, { ...opts.target.limits, maxStorageBufferBindingSize: bytes, maxBufferSize: bytes }) : opts.target;
      const step = { ...(opts.batch && { batch: opts.batch }), fileShape: fileShape(file) };
      const compiled = selectPrograms(fe, opts.config).map((p) => ({ p, plan: specStep(fe.spec, p.config, runPasses(p.graph, fe.spec).at(-1)!.graph, target, step) }));
      if (opts.stats || opts.time) {
        const stats = [];
        for (const { p, plan: pl } of compiled) stats.push({ config: p.config.name, ...planStats(pl), ...(opts.time && { compile: await compileTimes(fe.spec, p) }) });
        if (opts.json) process.stdout.write(JSON.stringify(stats, null, 2) + '\n');
        else for (const s of stats) process.stdout.write(statsText(s));
        return;
      }
      for (const { p, plan: pl } of compiled) {
        const files: [string, string][] =
          opts.emit === 'ir'
            ? [[`${p.config.name}.ir`, printGraph(pl.graph)]]
            : opts.emit === 'plan'
              ? [[`${p.config.name}.plan`, planText(pl)]]
              : planModules(pl).map((m): [string, string] => [join(p.config.name, m.name), m.wgsl]);
        for (const [name, text] of files) {
          if (opts.out) writeAtomic(join(opts.out, name), text);
          else process.stdout.write(text);
        }
      }
    });
}

/**
 * The training step built on this machine's device as `tx train` builds it:
 * the seconds to create its pipelines, and each distinct one's first run.
 */
async function compileTimes(spec: A.Spec, p: ChainProgram): Promise<CompileTimes> {
  const run = loadRun(spec, p);
  const t0 = performance.now();
  const exec = await gpuExecutor(run);
  const create = (performance.now() - t0) / 1000;
  try {
    const firsts = await exec.firstRuns(exec.maxBatch);
    return { create, firstRuns: firsts.map((f) => ({ label: f.label, seconds: f.ms / 1000 })) };
  } finally {
    exec.dispose();
  }
}

interface CompileTimes {
  create: number;
  firstRuns: { label: string; seconds: number }[];
}

function statsText(s: ReturnType<typeof planStats> & { config: string; compile?: CompileTimes }): string {
  const c = s.compile;
  const times = c
    ? [
        `  training step on this GPU: pipelines created in ${c.create.toFixed(2)} s; first run of each (lavapipe compiles then), ${c.firstRuns.reduce((a, f) => a + f.seconds, 0).toFixed(2)} s in all:`,
        ...c.firstRuns.map((f) => `    ${f.seconds.toFixed(3)} s  ${f.label}`),
      ]
    : [];
  return [
    `config ${s.config} (batch ${s.batch})`,
    ...planStatsLines(s),
    ...times,
  ].join('\n') + '\n';
}
