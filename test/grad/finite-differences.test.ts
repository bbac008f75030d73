// The interpreter's gradient, after every pass, against central finite
// differences in float64 — for every configuration of every spec under specs/
// (globbed, so a new spec is covered without touching this file).
//
// Method. The gradient a configuration asks for is that of its loss with every
// stop_gradient value treated as a constant. Plain finite differences do not
// compute that: perturbing a parameter also moves the values behind each cut.
// So we evaluate the forward graph (after inline, before autodiff) once at the
// unperturbed parameters, record the value of every stop_gradient node, and
// difference a copy of the graph in which each stop_gradient node is an input
// fed with its recorded value. For a configuration without cuts that copy is
// the graph itself.
//
// Step and tolerance. The central difference (L(p+h) - L(p-h)) / 2h has two
// errors: truncation, h^2/6 |L'''|, and rounding, about k eps |L| / h, with
// eps = 2.2e-16 and k the handful of ulps a loss evaluation loses (sums over a
// batch, a grid and up to 20 rollout steps: k ~ 10-100). With h = 1e-5 (times
// |p| when |p| > 1, so the step is relative to the entry) rounding is at most
// ~1e-9 |L| and truncation ~2e-11 |L'''|; the losses here are polynomials of
// degree <= 40 in a weight of size ~1 (20 steps of a linear conv, squared), so
// |L'''| is at most ~1e4-1e5 |L'| and both errors stay below 1e-6 |L'|. An entry
// whose true derivative is tiny against the loss (a saturated tanh unit of the
// Lorenz MLP) cannot be checked relatively — its difference is rounding noise
// of size 1e-9 |L| — so the comparison is
//     |g - fd| <= 1e-6 max(|g|, |fd|, floor),   floor = 1e-3 max(|L|, max_j |g_j|),
// i.e. relative 1e-6 for every entry above a thousandth of the loss or of the
// largest gradient entry, and absolute 1e-9 of that scale below it (still far
// tighter than a missing term, which would be of the entry's own size).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../src/ir/graph.js';
import type { Tensor } from '../../src/ops/op.js';
import type { Params } from '../../src/runtime/params.js';
import {
  centralDiff,
  compileAll,
  compileFile,
  firstBatch,
  forwardLoss,
  holdCuts,
  lossAndGrad,
  paramsFor,
  perturbed,
  rng,
  type Compiled,
} from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const SPEC_DIR = join(ROOT, 'specs');

function specFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.tx'))
    .map((f) => join(dir, f))
    .sort();
}

/** Windows per minibatch: small, but more than one so the batch mean is exercised. */
const BATCH = 3;
/** Entries checked per parameter tensor: all when there are few. */
const ALL_UP_TO = 12;
const SAMPLED = 6;

function sampleEntries(size: number, next: () => number): number[] {
  if (size <= ALL_UP_TO) return Array.from({ length: size }, (_, i) => i);
  const picked = new Set<number>();
  while (picked.size < SAMPLED) picked.add(Math.floor(next() * size));
  return [...picked].sort((a, b) => a - b);
}

interface Check {
  name: string;
  i: number;
  g: number;
  fd: number;
}

/** Values that depend on a parameter input (along any path, cuts included). */
function paramDependent(g: Graph): Set<string> {
  const dep = new Set<string>();
  for (const n of g.nodes) if ((n.op === 'input' && n.attrs['param'] !== undefined) || n.inputs.some((i) => dep.has(i))) dep.add(n.id);
  return dep;
}

/** Whether some stop_gradient of the forward graph cuts a parameter-dependent value. */
function hasRealCut(g: Graph): boolean {
  const dep = paramDependent(g);
  return g.nodes.some((n) => n.op === 'stop_gradient' && dep.has(n.inputs[0]!));
}

/** The backward and forward differences of the loss in one entry, each over h = 1e-7 (well inside the central difference's). */
function oneSided(g: Graph, params: Params, windows: Tensor, name: string, i: number, held: ReadonlyMap<string, Tensor>, loss: number): [number, number] {
  const h = 1e-7 * Math.max(1, Math.abs(params.get(name)!.data[i]!));
  const at = (d: number) => forwardLoss(g, perturbed(params, name, i, d), windows, held);
  return [(loss - at(-h)) / h, (at(h) - loss) / h];
}

function setup(c: Compiled, seed: number) {
  const windows = firstBatch(c, BATCH);
  const params = paramsFor(c, seed);
  const { loss, grads } = lossAndGrad(c, params, windows);
  return { windows, params, loss, grads };
}

/** The gradient after every pass against held-cut central differences on sampled entries. */
function checkAgainstFd(c: Compiled, seed: number): void {
  const { windows, params, loss, grads } = setup(c, seed);
  expect(Number.isFinite(loss)).toBe(true);
  // The differentiated graph computes the same loss as the forward one.
  expect(Math.abs(forwardLoss(c.forward, params, windows) - loss)).toBeLessThanOrEqual(1e-12 * Math.abs(loss));

  const { graph, held } = holdCuts(c.forward, params, windows);
  expect(held.size).toBe(c.forward.nodes.filter((n) => n.op === 'stop_gradient').length);
  // Holding the cut values at their own values changes nothing forward.
  expect(forwardLoss(graph, params, windows, held)).toBe(forwardLoss(c.forward, params, windows));

  let gmax = 0;
  for (const t of grads.values()) for (const x of t.data) gmax = Math.max(gmax, Math.abs(x));
  const floor = 1e-3 * Math.max(Math.abs(loss), gmax);
  const next = rng(17);
  const checks: Check[] = [];
  expect([...grads.keys()].sort()).toEqual([...params.keys()].sort());
  for (const [name, p] of params) {
    expect(grads.get(name)!.shape).toEqual(p.shape);
    for (const i of sampleEntries(p.data.length, next))
      checks.push({ name, i, g: grads.get(name)!.data[i]!, fd: centralDiff(graph, params, windows, name, i, held) });
  }
  const off = checks.filter(({ g, fd }) => !(Math.abs(g - fd) <= 1e-6 * Math.max(Math.abs(g), Math.abs(fd), floor)));
  // A relu network on a grid has thousands of pre-activations, and a few
  // lie within h of their kink, where the central difference averages two
  // slopes. Such an entry is excused where both one-sided differences over
  // a step 100 times shorter (rounding ~1e-9 |L| / 1e-7: checked to 1e-4)
  // agree with the gradient, and only a few of them.
  const kinks = off.filter((b) => {
    const sides = oneSided(graph, params, windows, b.name, b.i, held, loss);
    return sides.every((d) => Math.abs(b.g - d) <= 1e-4 * Math.max(Math.abs(b.g), floor));
  });
  const bad = off.filter((b) => !kinks.includes(b));
  expect(bad.map((b) => `${b.name}[${b.i}]: grad ${b.g}, fd ${b.fd}`)).toEqual([]);
  expect(kinks.length).toBeLessThanOrEqual(checks.length / 5);
  // Something was actually compared: at least one entry above the floor.
  expect(checks.some(({ g }) => Math.abs(g) > floor)).toBe(true);
}

const files = specFiles(SPEC_DIR);

describe('finite differences over every spec', () => {
  it('finds the specs', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const configs = compileFile(file, source);
    for (const c of configs) {
      const title = `${relative(ROOT, file)} [${c.program.config.name}: ${c.program.config.text}]`;

      // Each checked entry runs the forward pass twice in float64: seconds for a 2-D network, half a minute for APEBench's default conv.
      it(`${title}: gradient = central differences with cut values held`, { timeout: 120_000 }, () => {
        checkAgainstFd(c, 1000 + configs.indexOf(c));
      });

      if (hasRealCut(c.forward))
        it(`${title}: plain finite differences (cut values not held) disagree — the cut is real`, () => {
          const { windows, params, grads } = setup(c, 1000 + configs.indexOf(c));
          // A few entries suffice: a real cut moves the derivative by far more
          // than the 1e-6 the held-fixed check allows.
          const next = rng(17);
          let worst = 0;
          for (const [name, p] of params)
            for (const i of sampleEntries(p.data.length, next).slice(0, 3)) {
              const g = grads.get(name)!.data[i]!;
              const fd = centralDiff(c.forward, params, windows, name, i);
              worst = Math.max(worst, Math.abs(g - fd) / Math.max(Math.abs(g), Math.abs(fd)));
            }
          expect(worst).toBeGreaterThan(1e-3);
        });
    }
  }
});

// The specs use one loss (mse), linear or tanh networks and spectral
// advection; these reach the other losses (the normalised ones also send
// gradient into a target that carries it: a diverted branch's reference),
// activations, padding, network kinds and the correction emulator, with the
// same method and tolerance.
describe('finite differences beyond the specs', () => {
  const data = 'data advection1d { points 10  trajectories 2  snapshots 8  cfl 0.5  modes 2 }';
  const rest = `reference advection1d { cfl 0.5  method spectral }
residuum upwind(next, prev) = next - prev + c * (prev - shift(prev, 1))  where c = 0.5`;
  const lorenz = 'data lorenz63 { trajectories 2  snapshots 8  warmup 10 }\nreference lorenz63 { dt 0.01 }';
  const cases: [string, string, string][] = [
    ['conv gelu, zero padding, kernel 4; nmse through the reference', `${data}\nemulator conv1d { channels 1 -> 3 -> 1  kernel 4  padding zero  activation gelu }\n${rest}`, 'diverted rollout 3 branch 2 loss nmse'],
    ['conv sigmoid; nmae, cut_div_chain', `${data}\nemulator conv1d { channels 1 -> 3 -> 1  kernel 4  padding zero  activation sigmoid }\n${rest}`, 'diverted rollout 3 branch 2 loss nmae cut_div_chain'],
    ['three conv layers, relu; mae', `${data}\nemulator conv1d { channels 1 -> 3 -> 2 -> 1  kernel 3  activation relu }\n${rest}`, 'supervised rollout 3 loss mae'],
    ['parallel correction; nmse through physics', `${data}\nemulator correction { mode parallel  coarse advection1d { cfl 0.5  method upwind }  net conv1d { channels 1 -> 2 -> 1  kernel 3  activation tanh } }\n${rest}`, 'mix rollout 2 post_physics 1 loss nmse'],
    ['mlp sigmoid on a 1D state; residuum cut_prev', `${data}\nemulator mlp { width 5  depth 2  activation sigmoid }\n${rest}`, 'residuum rollout 3 cut_prev'],
    ['mlp gelu without bias; teacher forcing nmae', `${data}\nemulator mlp { width 5  depth 1  activation gelu  bias false }\n${rest}`, 'teacher_forcing rollout 3 reset every 2 loss nmae'],
    ['conv swish, a final tanh; mse', `${data}\nemulator conv1d { channels 1 -> 3 -> 1  kernel 3  activation swish  final_activation tanh }\n${rest}`, 'supervised rollout 3'],
    ['mlp silu (swish), a final sigmoid; nmse', `${data}\nemulator mlp { width 5  depth 1  activation silu  final_activation sigmoid }\n${rest}`, 'supervised rollout 2 loss nmse'],
    ['linear mlp on Lorenz; nmse against RK4 branches', `${lorenz}\nemulator mlp { width 5  depth 0 }`, 'diverted rollout 3 branch 2 loss nmse'],
  ];
  it.each(cases.map(([what, header, config]) => [what, config, header] as const))('%s: %s', (_, config, header) => {
    const [c] = compileAll(`${header}\nconfig ${config}\n`, 'beyond.tx');
    checkAgainstFd(c!, 2);
  });
});
