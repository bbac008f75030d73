// Proves the machine can run WebGPU compute through Dawn (npm `webgpu`):
// adapter -> device -> WGSL compute -> readback. Every other GPU test
// depends on this, so a missing adapter is a hard failure pointing at the fix,
// never a skip (a skip would let CI go green without ever touching a GPU).
import { afterAll, expect, test } from 'vitest';
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals); // GPUBufferUsage, GPUMapMode, ...

// Dawn's instance keeps native threads alive while referenced; drop every
// reference in afterAll so the vitest worker can exit promptly.
let gpu: GPU | undefined = create([]);
let device: GPUDevice | undefined;
afterAll(() => {
  device?.destroy();
  device = undefined;
  gpu = undefined;
});

const N = 1000;
const WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.x;
  if (i < arrayLength(&x)) { y[i] = 2.0 * x[i] + 1.0; }
}`;

test('WebGPU compute: y = 2x + 1 over 1000 floats', async () => {
  const adapter = await gpu!.requestAdapter();
  if (!adapter) {
    throw new Error(
      'No WebGPU adapter found (Dawn needs a Vulkan driver). Run `bash scripts/setup.sh`, ' +
        'then check with `node scripts/probe-webgpu.mjs`.',
    );
  }
  device = await adapter.requestDevice();
  const dev = device;

  const x = Float32Array.from({ length: N }, (_, i) => i * 0.5 - 100);
  const bytes = x.byteLength;
  const xBuf = dev.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const yBuf = dev.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const readBuf = dev.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  dev.queue.writeBuffer(xBuf, 0, x);

  dev.pushErrorScope('validation');
  const pipeline = dev.createComputePipeline({
    layout: 'auto',
    compute: { module: dev.createShaderModule({ code: WGSL }), entryPoint: 'main' },
  });
  const bindGroup = dev.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: xBuf } },
      { binding: 1, resource: { buffer: yBuf } },
    ],
  });
  const enc = dev.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(N / 64));
  pass.end();
  enc.copyBufferToBuffer(yBuf, 0, readBuf, 0, bytes);
  dev.queue.submit([enc.finish()]);
  const err = await dev.popErrorScope();
  expect(err?.message).toBeUndefined();

  await readBuf.mapAsync(GPUMapMode.READ);
  const y = new Float32Array(readBuf.getMappedRange().slice(0));
  readBuf.unmap();

  // 2x+1 is exact in f32 for these inputs, so compare exactly; report the
  // first mismatch rather than dumping 1000 elements.
  const bad = [...y].findIndex((v, i) => v !== 2 * x[i]! + 1);
  expect(bad === -1 ? 'all match' : `y[${bad}]=${y[bad]}, want ${2 * x[bad]! + 1}`).toBe('all match');
  expect(y.length).toBe(N);
});
