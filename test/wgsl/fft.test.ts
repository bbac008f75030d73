// The WGSL FFT against the float64 one (itself checked against the DFT by
// definition in test/math), on every power-of-two size it takes, along the
// last axis and along a strided one.
import { describe, expect, it } from 'vitest';
import { compiling } from '../budgets.js';
import { fftShader, fftWorkgroups, type FftLayout } from '../../src/wgsl/fft.js';
import { fftAlong } from '../../src/math/fft.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';

async function runFft(layout: FftLayout, values: Float32Array<ArrayBuffer>): Promise<Float32Array> {
  const device = await gpuDevice();
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const input = device.createBuffer({ size: values.byteLength, usage });
  const output = device.createBuffer({ size: values.byteLength, usage });
  const staging = device.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(input, 0, values);
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: fftShader(layout) }), entryPoint: 'main' } });
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [input, output].map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  const { x, y } = fftWorkgroups(layout);
  pass.dispatchWorkgroups(x, y);
  pass.end();
  enc.copyBufferToBuffer(output, 0, staging, 0, values.byteLength);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  for (const b of [input, output, staging]) b.destroy();
  return out;
}

/** `shape` of complex values, transformed along `axis` on the GPU and in float64; the worst error relative to the largest output. */
async function worstError(shape: number[], axis: number, inverse: boolean): Promise<number> {
  const count = shape.reduce((a, d) => a * d, 1);
  const values = Float32Array.from({ length: 2 * count }, (_, i) => Math.sin(1.7 * i + 0.3) * Math.cos(0.37 * i));
  const x = { re: Float64Array.from({ length: count }, (_, i) => values[2 * i]!), im: Float64Array.from({ length: count }, (_, i) => values[2 * i + 1]!) };
  fftAlong(x, shape, axis, inverse);
  const n = shape[axis]!;
  const stride = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const got = await runFft({ n, lines: count / n, stride, inverse }, values);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < count; i++) {
    worst = Math.max(worst, Math.abs(got[2 * i]! - x.re[i]!), Math.abs(got[2 * i + 1]! - x.im[i]!));
    scale = Math.max(scale, Math.abs(x.re[i]!), Math.abs(x.im[i]!));
  }
  return worst / scale;
}

describe('fftShader', () => {
  it.each([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])('equals the float64 FFT on lines of %i points, both directions', compiling(2), async (n) => {
    for (const inverse of [false, true]) expect(await worstError([3, n], 1, inverse)).toBeLessThan(1e-5);
  });

  it('dispatches past 65535 workgroups over a second dimension', () => {
    expect(fftWorkgroups({ n: 1024, lines: 70000, stride: 1, inverse: false })).toEqual({ x: 65535, y: 2 });
    expect(fftWorkgroups({ n: 16, lines: 100, stride: 1, inverse: false })).toEqual({ x: 4, y: 1 });
  });

  it('transforms along a strided axis (the first of a 2-D field) and leaves a partial last workgroup correct', compiling(2), async () => {
    expect(await worstError([2, 64, 24], 1, false)).toBeLessThan(1e-5);
    expect(await worstError([16, 5], 0, true)).toBeLessThan(1e-5);
  });
});
