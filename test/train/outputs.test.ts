import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { paramsFromJson, type Params } from '../../src/runtime/params.js';
import { readCheckpoint, writeRun } from '../../src/train/outputs.js';
import { RUN_FILES } from '../../src/train/run-files.js';
import { safetensors } from '../../src/train/safetensors.js';
import { lossSvg } from '../../src/train/svg.js';
import { bits, tinyRun, trainRun } from './helpers.js';

/** An independent reader of the format, straight from its specification. */
function readSafetensors(bytes: Uint8Array): Map<string, { dtype: string; shape: number[]; values: number[] }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + n;
  let expectBegin = 0;
  const out = new Map<string, { dtype: string; shape: number[]; values: number[] }>();
  for (const [name, t] of Object.entries(header)) {
    const [begin, end] = t.data_offsets;
    expect(begin).toBe(expectBegin); // contiguous, no holes
    expectBegin = end;
    const width = t.dtype === 'F32' ? 4 : 8;
    expect(end - begin).toBe(width * t.shape.reduce((a, x) => a * x, 1));
    const values = Array.from({ length: (end - begin) / width }, (_, i) =>
      width === 4 ? view.getFloat32(base + begin + 4 * i, true) : view.getFloat64(base + begin + 8 * i, true),
    );
    out.set(name, { dtype: t.dtype, shape: t.shape, values });
  }
  expect(base + expectBegin).toBe(bytes.length);
  return out;
}

describe('a run folder', async () => {
  const run = tinyRun();
  const r = await trainRun(run);
  const dir = mkdtempSync(join(tmpdir(), 'tx-train-'));
  writeRun(dir, r.checkpoint, r.history, run.key, 'tiny: supervised rollout 2');
  const read = (f: string) => readFileSync(join(dir, f));

  test('every file, and no temporary ones left', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.values(RUN_FILES).filter((f) => f !== RUN_FILES.evaluation).sort());
  });

  test('loss.csv: one row per step whose numbers read back exactly, the norms the CPU logs beside the loss', () => {
    const [head, ...rows] = read(RUN_FILES.loss).toString().trimEnd().split('\n');
    expect(head).toBe('step,epoch,loss,grad_norm,weight_norm');
    expect(rows.map((row) => row.split(',').map(Number))).toEqual(r.history.map((h) => [h.step, h.epoch, h.loss, h.norms!.grad, h.norms!.weight]));
  });

  test('params.json is the tx grad format; params.safetensors holds the same values as F32', () => {
    const params = paramsFromJson(read(RUN_FILES.params).toString(), run.decls, 'params.json');
    expect(bits(params)).toEqual(bits(r.checkpoint.params));
    const st = readSafetensors(read(RUN_FILES.safetensors));
    expect([...st.keys()]).toEqual([...params.keys()]);
    for (const [name, t] of params) {
      expect(st.get(name)).toEqual({ dtype: 'F32', shape: t.shape, values: [...t.data].map(Math.fround) });
    }
  });

  test('loss.svg is well-formed XML with the curve', () => {
    const svg = read(RUN_FILES.plot).toString();
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/points="([^"]*)"/)![1]!.split(' ')).toHaveLength(10);
  });

  test('checkpoint.json resumes', () => {
    const c = readCheckpoint(dir, run.key, run.decls, run.spec.train.steps);
    expect(c.step).toBe(10);
    expect(bits(c.params)).toEqual(bits(r.checkpoint.params));
  });
});

test('safetensors: F64 exact, header padded to 8 bytes', () => {
  const p: Params = new Map([
    ['a', { shape: [2], data: Float64Array.of(0.1, -0) }],
    ['b.c', { shape: [1, 3], data: Float64Array.of(1, 2, 3) }],
  ]);
  const bytes = safetensors(p, 'F64');
  expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
  const st = readSafetensors(bytes);
  expect(st.get('a')!.values).toEqual([0.1, -0]);
  expect(st.get('b.c')).toEqual({ dtype: 'F64', shape: [1, 3], values: [1, 2, 3] });
});

test('the loss plot of a long run stays small and well-formed', () => {
  const history = Array.from({ length: 100_000 }, (_, step) => ({ step, epoch: 0, loss: Math.exp(-step / 1e4) * (1 + 0.5 * Math.sin(step)) }));
  const svg = lossSvg(history, 'a <long> run & more');
  expect(XMLValidator.validate(svg)).toBe(true);
  expect(svg.length).toBeLessThan(100_000);
  expect(svg).toContain('1e-5'); // decade labels down to the smallest loss
});
