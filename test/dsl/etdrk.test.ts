// The spectral ETDRK solvers in the language: `data ks`, `reference ks`,
// `burgers` with an ETDRK method, and what the checker says of them.
import { describe, expect, test } from 'vitest';
import { frontend } from '../../src/frontend.js';

const diagnostics = (source: string) => frontend(source, 'ks.tx').diagnostics;
const messages = (source: string) => diagnostics(source).map((d) => `${d.line}:${d.column} ${d.message}`);

const KS = 'data ks { points 32  extent 22  dt 0.25  warmup 10  cutoff 3 }\nemulator conv { channels 1 -> 1  kernel 3 }\n';

describe('ETDRK solvers in specs', () => {
  test('data ks with a ks reference of any order, or a burgers one', () => {
    expect(messages(`${KS}reference ks { }\nconfig diverted rollout 2`)).toEqual([]);
    expect(messages(`${KS}reference ks { method etdrk4  dt 0.1  substeps 2 }\nconfig diverted rollout 2`)).toEqual([]);
    expect(messages(`${KS}reference burgers { method etdrk3  nu 0.02 }\nconfig diverted rollout 2`)).toEqual([]);
  });

  test('a reference defaults to ETDRK2', () => {
    const fe = frontend(`${KS}reference ks { }\nconfig mix chain [reference 1]`, 'ks.tx');
    expect(fe.spec.reference).toMatchObject({ name: 'ks', method: 'etdrk2' });
  });

  test("data takes a method; a solver of the data's system takes it too, unless it pads with zeros", () => {
    const data = 'data burgers { points 32  method etdrk4 }\n';
    const fe = frontend(`${data}reference burgers { }\nemulator correction { coarse burgers { padding zero }  net conv { channels 1 -> 1 } }\nconfig diverted rollout 2`, 'b.tx');
    expect(fe.diagnostics).toEqual([]);
    expect(fe.spec.data).toMatchObject({ method: 'etdrk4' });
    expect(fe.spec.reference).toMatchObject({ method: 'etdrk4' });
    expect(fe.spec.emulator).toMatchObject({ coarse: { method: 'central', padding: 'zero' } });
    expect(frontend(`${data}emulator conv { channels 1 -> 1 }\nreference burgers { method central }\nconfig diverted rollout 2`, 'b.tx').spec.reference).toMatchObject({ method: 'central' });
    expect(diagnostics(`data ks { method upwind }\nemulator conv { channels 1 -> 1 }\nconfig supervised`)[0]!.hint).toMatch(/etdrk2, etdrk1, etdrk3, etdrk4, etdrk0/);
  });

  test("a grid the GPU's FFT does not take is a warning where the graph transforms space", () => {
    const at = (points: number, extra: string) => frontend(`data ks { points ${points}  cutoff 3 }\nemulator conv { channels 1 -> 1  kernel 3 }\n${extra}config diverted rollout 2`, 'ks.tx').diagnostics;
    expect(at(56, 'reference ks { }\n')).toMatchObject([{ severity: 'warning', line: 1, column: 1, message: expect.stringContaining('run on the CPU only') }]);
    expect(at(160, 'reference ks { }\n')).toEqual([]);
    expect(frontend('data advection1d { points 56 }\nemulator conv { channels 1 -> 1  kernel 3 }\nreference advection1d { method upwind }\nconfig diverted rollout 2', 'a.tx').diagnostics).toEqual([]);
  });

  test('an unknown method names the ETDRK ones', () => {
    expect(diagnostics(`${KS}reference ks { method rk4 }\nconfig diverted rollout 2`)[0]!.hint).toMatch(/etdrk2, etdrk1, etdrk3, etdrk4, etdrk0/);
  });

  test('zero padding with an ETDRK method is an error: the solver is periodic', () => {
    expect(messages(`${KS}reference ks { padding zero }\nconfig diverted rollout 2`)).toEqual(['3:24 the etdrk2 ks reference is periodic; zero padding needs a finite-difference method']);
    expect(messages(`${KS}reference burgers { method etdrk2  padding zero }\nconfig diverted rollout 2`)[0]).toMatch(/etdrk2 burgers reference is periodic/);
  });

  test("a solver of the data's system takes the data's options its block does not give", () => {
    const data = KS.split('\n')[0]!;
    const fe = frontend(`${data}\nreference ks { dt 0.1 }\nemulator correction { coarse ks { fourth_order 2 }  net conv { channels 1 -> 1 } }\nconfig diverted rollout 2`, 'ks.tx');
    expect(fe.diagnostics).toEqual([]);
    expect(fe.spec.reference).toMatchObject({ params: { extent: 22, dt: 0.1, fourth_order: 1 } });
    expect(fe.spec.emulator).toMatchObject({ coarse: { params: { extent: 22, dt: 0.25, fourth_order: 2 } } });
  });

  test('a solver of another system keeps its own defaults', () => {
    const fe = frontend(`${KS}reference kdv { }\nconfig diverted rollout 2`, 'ks.tx');
    expect(fe.spec.reference).toMatchObject({ name: 'kdv', params: { extent: 20, dt: 0.01 } });
  });

  test('navier_stokes and kolmogorov are 2-D only, at the data block', () => {
    expect(messages('data navier_stokes { points 16 }\nemulator conv { channels 1 -> 1 }\nconfig supervised rollout 1')).toEqual(['1:6 navier_stokes is a 2-D system, but dims is 1']);
    expect(messages('data kolmogorov { dims 3  points 8 }\nemulator conv { channels 1 -> 1 }\nconfig supervised rollout 1')[0]).toMatch(/^1:19 kolmogorov is a 2-D system, but dims is 3/);
  });
});
