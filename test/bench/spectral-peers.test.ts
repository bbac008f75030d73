// The bench's jax-js peer on W7's and W8's spectral parts, at small sizes on
// jax-js's Wasm device: its ETDRK2 Burgers step (the peers' closed-form
// factors, jax-js's FFT) against txc's solver graph run by the float64
// interpreter (contour means, txc's FFT), and the losses of three training
// steps of a small FNO and a small diverted-Burgers chain against txc's
// float64 CpuExecutor, as the bench's gate checks them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as jax from '@jax-js/jax';
import { stepGraph } from '../../src/data/etdrk/catalogue.js';
import { evaluate } from '../../src/ops/interpreter.js';
import { tensor } from '../../src/ops/tensor.js';
import { burgersTables } from '../../bench/peers/burgers.js';
import { jaxPeer } from '../../bench/peers/jaxjs.js';
import { burgersConsts, burgersStep } from '../../bench/peers/spectral-jax.js';
import { SPEC_DIR, loadWorkload } from '../../bench/workloads.js';

const { numpy: np } = jax;

/** A workload's data, float64 reference and jitted Wasm steps: 3 to 6 s measured at load 10 on 2 cores; a test past this is stuck. */
const TRAINING = { timeout: 60_000 };

let dir = '';
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'txc-bench-'));
  expect(await jax.init('wasm')).toContain('wasm');
  jax.defaultDevice('wasm');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the jax-js peer on spectral workloads', () => {
  test("its ETDRK2 Burgers step agrees with txc's solver graph in float64", async () => {
    const [B, N, dt, nu, substeps] = [2, 16, 0.2, 0.05, 2];
    const u = new Float64Array(B * N * N);
    for (let b = 0; b < B; b++)
      for (let i = 0; i < N; i++)
        for (let j = 0; j < N; j++) {
          const [x, y] = [(2 * Math.PI * i) / N, (2 * Math.PI * j) / N];
          u[(b * N + i) * N + j] = 1.5 * Math.sin(x + b) + Math.cos(2 * y - x) + 0.5 * Math.sin(3 * y + 0.3 * b);
        }
    const graph = stepGraph({ name: 'burgers', dims: 2, points: N, extent: 2 * Math.PI, dt, substeps, order: 2, params: { nu, conservative: true, single_channel: true } });
    const want = evaluate(graph, { u: tensor([B, 1, N, N], u) }).get(graph.outputs[0]!)!.data;
    const consts = burgersConsts(burgersTables({ nu, h: dt / substeps, substeps, points: N, dims: 2 }), 'wasm');
    const got = await burgersStep(np.array(Float32Array.from(u), { shape: [B, 1, N, N] }), consts, substeps).data();
    jax.tree.dispose(consts);
    let [err, moved] = [0, 0];
    for (let k = 0; k < u.length; k++) {
      err = Math.max(err, Math.abs(got[k]! - want[k]!));
      moved = Math.max(moved, Math.abs(want[k]! - u[k]!));
    }
    // The step moves the field by O(0.1), so a wrong sign or factor anywhere shows far above float32's rounding.
    expect(moved).toBeGreaterThan(0.1);
    expect(err).toBeLessThan(2e-5);
  });

  const specs = {
    fno: `data ks { points 32  extent 22  dt 0.25  cutoff 3  warmup 10  trajectories 4  snapshots 8  seed 0 }
emulator fno { width 4  modes 6  blocks 2  activation gelu  seed 0 }
config supervised rollout 2
train { optimizer adam  lr 1e-2  steps 10  batch 4  seed 1 }`,
    'diverted burgers': `data burgers { dims 2  points 16  trajectories 2  snapshots 4  modes 2  dt 0.05  seed 0 }
emulator resnet { width 4  blocks 1  kernel 3  activation relu  padding circular  seed 0 }
reference burgers { method etdrk2 }
config diverted rollout 3 branch 1
train { optimizer adam  lr 1e-2  steps 10  batch 4  seed 1 }`,
  };
  test.each(Object.entries(specs))("%s: three training steps lose what txc's float64 reference loses", TRAINING, async (id, text) => {
    const file = path.join(dir, `${id.replace(' ', '-')}.tx`);
    fs.writeFileSync(file, text);
    const w = loadWorkload({ id, file: path.relative(SPEC_DIR, file), title: id }, 3, 3);
    const run = await jaxPeer('wasm').prepare(w);
    const losses = await run.read([0, 1, 2].map((i) => run.step(i)));
    await run.dispose();
    expect(w.reference64).toHaveLength(3);
    // Adam's updates at lr 1e-2 move the loss between steps; a peer that ignored the gradient would lag behind.
    expect(Math.abs(w.reference64[2]! - w.reference64[0]!)).toBeGreaterThan(1e-3 * w.reference64[0]!);
    for (let i = 0; i < 3; i++) expect(Math.abs(losses[i]! - w.reference64[i]!)).toBeLessThan(1e-4 * w.reference64[i]!);
  });
});
