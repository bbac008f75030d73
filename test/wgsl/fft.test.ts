// The WGSL FFT against the float64 one (itself checked against the DFT by
// definition in test/math), in both kernel shapes (the workgroup kernels of
// GPUs and the unrolled lines of CPUs), on every power-of-two size it takes
// and on lengths with factors 3 and 5, along the last axis and along a
// strided one.
import { describe, expect, it } from 'vitest';
import { compiling } from '../budgets.js';
import { fftShader, fftWorkgroups, isFftSize, type FftLayout, type FftShape } from '../../src/wgsl/fft.js';
import { fftAlong } from '../../src/math/fft.js';
import { gpuDevice } from '../../src/runtime/gpu/device.js';

async function runFft(layout: FftLayout, shape: FftShape, values: Float32Array<ArrayBuffer>): Promise<Float32Array> {
  const device = await gpuDevice();
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
  const input = device.createBuffer({ size: values.byteLength, usage });
  const output = device.createBuffer({ size: values.byteLength, usage });
  const staging = device.createBuffer({ size: values.byteLength, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(input, 0, values);
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: fftShader(layout, shape) }), entryPoint: 'main' } });
  const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [input, output].map((buffer, binding) => ({ binding, resource: { buffer } })) });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, group);
  const { x, y } = fftWorkgroups(layout, shape);
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
async function worstError(shape: number[], axis: number, inverse: boolean, kernels: FftShape): Promise<number> {
  const count = shape.reduce((a, d) => a * d, 1);
  const values = Float32Array.from({ length: 2 * count }, (_, i) => Math.sin(1.7 * i + 0.3) * Math.cos(0.37 * i));
  const x = { re: Float64Array.from({ length: count }, (_, i) => values[2 * i]!), im: Float64Array.from({ length: count }, (_, i) => values[2 * i + 1]!) };
  fftAlong(x, shape, axis, inverse);
  const n = shape[axis]!;
  const stride = shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const got = await runFft({ n, lines: count / n, stride, inverse }, kernels, values);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < count; i++) {
    worst = Math.max(worst, Math.abs(got[2 * i]! - x.re[i]!), Math.abs(got[2 * i + 1]! - x.im[i]!));
    scale = Math.max(scale, Math.abs(x.re[i]!), Math.abs(x.im[i]!));
  }
  return worst / scale;
}

describe.each(['gpu', 'cpu'] as const)('fftShader, %s shapes', (kernels) => {
  it.each([2, 4, 8, 16, 32, 64, 128, 256, 512, 1024])('equals the float64 FFT on lines of %i points, both directions', compiling(2), async (n) => {
    for (const inverse of [false, true]) expect(await worstError([3, n], 1, inverse, kernels)).toBeLessThan(1e-5);
  });

  // APEBench's 160 points (2^5·5), radix 3 alone and with the others, and the longest mixed length.
  it.each([3, 5, 6, 15, 20, 96, 160, 240, 960])('equals the float64 FFT on lines of %i points (radices 2, 3 and 5), both directions', compiling(2), async (n) => {
    for (const inverse of [false, true]) expect(await worstError([3, n], 1, inverse, kernels)).toBeLessThan(1e-5);
  });

  it('transforms along a strided axis (the first of a 2-D field) and leaves a partial last workgroup correct', compiling(2), async () => {
    expect(await worstError([2, 64, 24], 1, false, kernels)).toBeLessThan(1e-5);
    expect(await worstError([16, 5], 0, true, kernels)).toBeLessThan(1e-5);
    expect(await worstError([40, 160, 3], 1, false, kernels)).toBeLessThan(1e-5);
  });
});

describe('fft sizes', () => {
  it('takes 2 to 1024 points with no prime factor but 2, 3 and 5', () => {
    expect([2, 3, 5, 160, 768, 1000, 1024].every(isFftSize)).toBe(true);
    expect([1, 7, 14, 166, 1025, 2048].some(isFftSize)).toBe(false);
  });

  it('dispatches past 65535 workgroups over a second dimension', () => {
    expect(fftWorkgroups({ n: 1024, lines: 70000, stride: 1, inverse: false }, 'gpu')).toEqual({ x: 65535, y: 2 });
    expect(fftWorkgroups({ n: 16, lines: 100, stride: 1, inverse: false }, 'gpu')).toEqual({ x: 4, y: 1 });
  });
});
