// `npm run bench`: ms per training step and dispatches per step of txc and
// of the same step in jax-js and TensorFlow.js, in one process on one Dawn
// instance; see bench/README.md.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, installDawn } from './gpu.js';
import type { MeasureOptions, Result } from './measure.js';
import { measure } from './measure.js';
import type { Peer } from './peer.js';
import type { Peak } from './peak.js';
import { measurePeak } from './peak.js';
import type { Report } from './table.js';
import { formatReport } from './table.js';
import type { Workload, WorkloadInfo } from './workloads.js';
import type { EnsembleRow } from './ensemble.js';
import { ENSEMBLES, ensembleTable, measureEnsemble } from './ensemble.js';
import { WORKLOADS, loadWorkload } from './workloads.js';

const PEERS = ['txc', 'jax-webgpu', 'jax-wasm', 'tfjs-webgpu', 'tfjs-cpu'] as const;
type PeerId = (typeof PEERS)[number];
const ALIASES: Record<string, PeerId[]> = { 'jax-js': ['jax-webgpu', 'jax-wasm'], jax: ['jax-webgpu', 'jax-wasm'], tfjs: ['tfjs-webgpu', 'tfjs-cpu'], 'tf.js': ['tfjs-webgpu', 'tfjs-cpu'] };

const USAGE = `usage: npm run bench -- [options]
  --workloads LIST   comma-separated, of ${WORKLOADS.map((w) => w.id).join(', ')} (default: all)
  --peers LIST       comma-separated, of ${PEERS.join(', ')}; jax-js and tfjs name both devices (default: all)
  --steps N          timed steps per mode (default 50; W5, W6, W8: 2)
  --warmup N         steps before timing, the gate's included (default 10, of which 3 gated; W5, W6, W8: 1, gated)
  --warmup-seconds S ...and until S seconds have passed (default 3, at most 500 steps; W5, W6, W8: 0)
  --every N          steps per loss read-back in the pipelined mode (default 10; W5, W6, W8: 2)
  --max-seconds S    stop a timed mode early once it has run S seconds; a peer whose checked step
                     took longer is timed on one more step, synchronous only (default 300)
  --no-ensembles     skip the rows of seeds as one program (W1a: 10 seeds, W5: 4)
  --json FILE        also write the results as JSON
  --profile          instead: time each of txc's dispatches of a step alone, per workload
  --datagen [N]      instead: data generation, txc's GPU against float64 (N: float64 trajectories per case)
  -h, --help`;

const DEFAULTS: MeasureOptions = { steps: 50, warmup: 10, warmupSeconds: 3, every: 10, gate: 3, tolerance: 1e-3, maxSeconds: 300 };

interface Options {
  workloads: WorkloadInfo[];
  peers: PeerId[];
  /** The measuring options the command line gave; they override a workload's budget. */
  given: Partial<MeasureOptions>;
  json?: string;
  profile: boolean;
  ensembles: boolean;
  /** Set: only the data-generation rows (bench/datagen.ts), with this many float64 trajectories per case where a number was given. */
  datagen?: { cpuTrajectories?: number };
}

/** A workload's options: the harness's defaults, its budget, then the command line's. */
function optionsFor(info: WorkloadInfo, o: Options): MeasureOptions {
  return { ...DEFAULTS, ...info.budget, ...o.given };
}

/** Distinct minibatches a run cycles through: enough that no timed step repeats one, at most 100. */
function poolSize(m: MeasureOptions): number {
  return Math.min(m.warmup + m.every + 2 * m.steps, 100);
}

function parseArgs(argv: string[]): Options {
  const o: Options = { workloads: [...WORKLOADS], peers: [...PEERS], given: {}, profile: false, ensembles: true };
  const num = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) usage(`${flag} needs a number >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let k = 0; k < argv.length; k++) {
    const [flag, inline] = argv[k]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => inline ?? argv[++k];
    switch (flag) {
      case '--workloads': {
        const ids = value()?.split(',').map((s) => s.trim().toLowerCase()) ?? [];
        o.workloads = ids.map((id) => WORKLOADS.find((w) => w.id.toLowerCase() === id) ?? usage(`unknown workload '${id}'`));
        break;
      }
      case '--peers': {
        const ids = value()?.split(',').map((s) => s.trim().toLowerCase()) ?? [];
        const out = ids.flatMap((id) => ALIASES[id] ?? ((PEERS as readonly string[]).includes(id) ? [id as PeerId] : usage(`unknown peer '${id}'`)));
        o.peers = PEERS.filter((p) => out.includes(p));
        break;
      }
      case '--steps':
        o.given.steps = Math.floor(num(flag, value(), 1));
        break;
      case '--warmup':
        o.given.warmup = Math.floor(num(flag, value(), 1));
        break;
      case '--warmup-seconds':
        o.given.warmupSeconds = num(flag, value(), 0);
        break;
      case '--every':
        o.given.every = Math.floor(num(flag, value(), 1));
        break;
      case '--max-seconds':
        o.given.maxSeconds = num(flag, value(), 0);
        break;
      case '--profile':
        o.profile = true;
        break;
      case '--no-ensembles':
        o.ensembles = false;
        break;
      case '--datagen': {
        const n = inline ?? (/^\d+$/.test(argv[k + 1] ?? '') ? argv[++k] : undefined);
        o.datagen = n === undefined ? {} : { cpuTrajectories: Math.floor(num(flag, n, 1)) };
        break;
      }
      case '--json':
        o.json = value() ?? usage('--json needs a file');
        break;
      case '-h':
      case '--help':
        process.stdout.write(USAGE + '\n');
        process.exit(0);
        break;
      default:
        usage(`unknown option '${flag}'`);
    }
  }
  return o;
}

function usage(msg: string): never {
  process.stderr.write(`bench: ${msg}\n${USAGE}\n`);
  process.exit(2);
}

async function makePeer(id: PeerId): Promise<Peer> {
  // Loaded only now, after installDawn(): TF.js's WebGPU backend registers
  // itself only if navigator.gpu exists when its module runs.
  switch (id) {
    case 'txc':
      return (await import('./peers/txc.js')).txcPeer();
    case 'jax-webgpu':
    case 'jax-wasm':
      return (await import('./peers/jaxjs.js')).jaxPeer(id === 'jax-webgpu' ? 'webgpu' : 'wasm');
    case 'tfjs-webgpu':
    case 'tfjs-cpu':
      return (await import('./peers/tfjs.js')).tfPeer(id === 'tfjs-webgpu' ? 'webgpu' : 'cpu');
    default:
      throw new Error(`unknown peer ${id satisfies never}`);
  }
}

/** The repository root, from the bundle in bench/.out/ as from bench/. */
const ROOT = (() => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, here.endsWith('.out') ? '../..' : '..');
})();

/** A package's version (`.` for txc's own). */
function version(pkg: string): string {
  const file = pkg === '.' ? path.join(ROOT, 'package.json') : path.join(ROOT, 'node_modules', pkg, 'package.json');
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

export async function main(argv: string[]): Promise<void> {
  const o = parseArgs(argv);
  const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
  installDawn();
  const machine = await describeMachine();
  const started = new Date();
  if (o.profile) return profile(o.workloads, (info) => optionsFor(info, o));
  if (o.datagen) return void process.stdout.write(await (await import('./datagen.js')).datagen(machine, log, o.datagen.cpuTrajectories));
  const peak = await devicePeak(log);
  const results: Report['workloads'] = [];
  const ensembles: EnsembleRow[] = [];
  for (const info of o.workloads) {
    const m = optionsFor(info, o);
    log(`${info.id}: preparing data, parameters and the float64 reference`);
    const w = loadWorkload(info, poolSize(m), m.gate);
    const rs: Result[] = [];
    for (const id of o.peers) {
      const peer = await makePeer(id);
      log(`${info.id}: ${peer.name} ${peer.device}`);
      const r = await measure(peer, w, m, (s) => log(`${info.id}: ${peer.name} ${peer.device}: ${s}`));
      if (r.status !== 'ok') log(`${info.id}: ${peer.name} ${peer.device}: ${r.status}: ${r.reason}`);
      rs.push(r);
    }
    results.push({ workload: info, flops: w.flops, options: { ...m, pool: poolSize(m) }, results: rs });
    const members = o.ensembles ? ENSEMBLES[info.id] : undefined;
    if (members) ensembles.push(await ensembleRow(w, members, m, log));
  }
  const base = { ...DEFAULTS, ...o.given };
  const report = {
    date: started.toISOString(),
    machine,
    peak,
    versions: { txc: version('.'), 'jax-js': version('@jax-js/jax'), 'TF.js': version('@tensorflow/tfjs-core'), dawn: `webgpu ${version('webgpu')}` },
    options: { ...base, pool: poolSize(base) },
    workloads: results,
  };
  process.stdout.write(formatReport(report) + (ensembles.length ? ensembleTable(ensembles) : ''));
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ ...report, ensembles }, null, 1) + '\n');
}

/** A workload's ensemble row, timed with its budget's warm-up, steps and read-back groups. */
async function ensembleRow(w: Workload, members: number, m: MeasureOptions, log: (s: string) => void): Promise<EnsembleRow> {
  const { gpuDevice } = await import('../src/runtime/gpu/device.js');
  return measureEnsemble(w, members, await gpuDevice(), { warmup: m.warmup, steps: m.steps, every: m.every }, log);
}

/** The device's matrix-product and copy rates, or why they could not be measured. */
async function devicePeak(log: (s: string) => void): Promise<Peak | string> {
  try {
    const { gpuDevice } = await import('../src/runtime/gpu/device.js');
    log('measuring the device: a large matrix product and a copy');
    const device = await gpuDevice();
    return await measurePeak(device, device.adapterInfo);
  } catch (e) {
    return (e as Error).message;
  }
}

/** `--profile`: every dispatch of txc's step timed alone, the largest first. */
async function profile(infos: WorkloadInfo[], options: (info: WorkloadInfo) => MeasureOptions): Promise<void> {
  const { gpuExecutor } = await import('../src/train/executors.js');
  const { gpuDevice } = await import('../src/runtime/gpu/device.js');
  const device = await gpuDevice();
  for (const info of infos) {
    const m = options(info);
    const w = loadWorkload(info, poolSize(m), m.gate);
    const exec = await gpuExecutor(w.run, device);
    const rows = await exec.profile(w.batch, 20);
    exec.dispose();
    const total = rows.reduce((a, r) => a + r.ms, 0);
    const width = Math.max(...rows.map((r) => r.label.length));
    process.stdout.write(`\n## ${info.id}: ${rows.length} dispatches, ${total.toFixed(3)} ms when each runs alone (20 copies per submit)\n`);
    for (const r of [...rows].sort((a, b) => b.ms - a.ms))
      process.stdout.write(`${r.label.padEnd(width)}  ${r.ms.toFixed(4).padStart(9)} ms  ${((100 * r.ms) / total).toFixed(1).padStart(5)}%\n`);
  }
}

