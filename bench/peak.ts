// The device's own rates, the yardstick for every workload's row: a large
// float32 matrix product and a buffer copy, run through the same Dawn as the
// peers. Several matrix-product kernels, since no one shape is fast
// everywhere: workgroup-memory tiles (a GPU: loads shared by 256 threads),
// register blocks without barriers, and, where subgroups are 8 lanes
// (lavapipe: one SIMD register, a barrier costing thousands of FMAs), lanes
// that load a row each and broadcast it. The fastest one is the row.

export interface Peak {
  /** GFLOP/s of the fastest kernel, which, and at what size. */
  matmul: { gflops: number; kernel: string; n: number };
  /** Kernels left out because their product was wrong (a driver bug, or ours): named, never timed. */
  wrong: string[];
  /** GB/s of a buffer-to-buffer copy, bytes read plus bytes written. */
  copy: number;
}

const TILED = (n: number) => `
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;
// A 64 x 64 block of C per workgroup of 16 x 16 threads, 4 x 4 per thread, k in steps of 16.
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) l: vec3u, @builtin(local_invocation_index) li: u32) {
  let row0 = wg.y * 64u; let col0 = wg.x * 64u;
  var acc: array<array<f32, 4>, 4>;
  for (var k0 = 0u; k0 < ${n}u; k0 += 16u) {
    for (var i = 0u; i < 4u; i++) {
      let e = li + i * 256u;
      As[(e % 16u) * 64u + e / 16u] = A[(row0 + e / 16u) * ${n}u + k0 + e % 16u];
      Bs[(e / 64u) * 64u + e % 64u] = B[(k0 + e / 64u) * ${n}u + col0 + e % 64u];
    }
    workgroupBarrier();
    for (var k = 0u; k < 16u; k++) {
      var a: array<f32, 4>; var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) { a[i] = As[k * 64u + l.y + 16u * i]; b[i] = Bs[k * 64u + l.x + 16u * i]; }
      for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { acc[i][j] = fma(a[i], b[j], acc[i][j]); } }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 4u; j++) { C[(row0 + l.y + 16u * i) * ${n}u + col0 + l.x + 16u * j] = acc[i][j]; } }
}`;

const REGISTERS = (n: number) => `
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
// A 4 x 8 block of C per thread, in 16 x 4 threads per workgroup (a 64 x 32 block).
@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) g: vec3u) {
  let r0 = g.y * 4u; let c0 = g.x * 8u;
  var acc: array<array<f32, 8>, 4>;
  for (var k = 0u; k < ${n}u; k++) {
    var b: array<f32, 8>;
    for (var j = 0u; j < 8u; j++) { b[j] = B[k * ${n}u + c0 + j]; }
    for (var i = 0u; i < 4u; i++) {
      let a = A[(r0 + i) * ${n}u + k];
      for (var j = 0u; j < 8u; j++) { acc[i][j] = fma(a, b[j], acc[i][j]); }
    }
  }
  for (var i = 0u; i < 4u; i++) { for (var j = 0u; j < 8u; j++) { C[(r0 + i) * ${n}u + c0 + j] = acc[i][j]; } }
}`;

// An 8 x 8 block of C per lane: the 8 lanes of a subgroup load the block's
// 8 rows of A one each and broadcast them, and each loads its 8 columns of
// B as two vectors (a 64 x 64 block per workgroup of 8 subgroups).
const LANES8 = (n: number) => `enable subgroups;
@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32, @builtin(subgroup_invocation_id) lane: u32) {
  let r0 = wg.y * 64u + (li / 8u) * 8u;
  let c4 = wg.x * 16u + lane * 2u;
  var acc: array<vec4<f32>, 16>;
  for (var k = 0u; k < ${n}u; k++) {
    let a = A[(r0 + lane) * ${n}u + k];
    let b0 = B[k * ${n / 4}u + c4];
    let b1 = B[k * ${n / 4}u + c4 + 1u];
${[...Array(8).keys()].map((r) => `    { let ar = vec4<f32>(subgroupBroadcast(a, ${r}u)); acc[${2 * r}] = fma(ar, b0, acc[${2 * r}]); acc[${2 * r + 1}] = fma(ar, b1, acc[${2 * r + 1}]); }`).join('\n')}
  }
  for (var r = 0u; r < 8u; r++) { C[(r0 + r) * ${n / 4}u + c4] = acc[2u * r]; C[(r0 + r) * ${n / 4}u + c4 + 1u] = acc[2u * r + 1u]; }
}`;

interface Kernel {
  name: string;
  code: (n: number) => string;
  groups: (n: number) => readonly [number, number];
}

const KERNELS: Kernel[] = [
  { name: 'workgroup tiles', code: TILED, groups: (n) => [n / 64, n / 64] },
  { name: 'register blocks', code: REGISTERS, groups: (n) => [n / 128, n / 16] },
];
const LANE_KERNEL: Kernel = { name: '8-lane broadcast blocks', code: LANES8, groups: (n) => [n / 64, n / 64] };

/** LANE_KERNEL assumes subgroups of exactly 8 lanes, consecutive in the local index (lavapipe's). */
function eightLanes(device: GPUDevice, adapter: GPUAdapterInfo): boolean {
  const info = adapter as GPUAdapterInfo & { subgroupMinSize?: number; subgroupMaxSize?: number };
  return device.features.has('subgroups') && info.subgroupMinSize === 8 && info.subgroupMaxSize === 8;
}

/**
 * Median ms of timed submissions of `encode`, after one untimed: at least
 * `reps`, and enough for 100 ms in all, as a product of a millisecond or
 * two on lavapipe varies with whatever else the cores do.
 */
async function time(device: GPUDevice, encode: (enc: GPUCommandEncoder) => void, reps: number): Promise<number> {
  const once = async () => {
    const enc = device.createCommandEncoder();
    encode(enc);
    const t0 = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  const first = await once();
  const n = Math.max(reps, Math.min(200, Math.ceil(100 / Math.max(first, 0.01))));
  const ts: number[] = [];
  for (let r = 0; r < n; r++) ts.push(await once());
  return ts.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

/**
 * Whether C = A B at 64 sampled entries, against float64 on the host: a
 * kernel that computed the wrong thing fast would set the yardstick.
 */
async function checkProduct(device: GPUDevice, n: number, a: Float32Array, b: Float32Array, c: GPUBuffer): Promise<boolean> {
  const read = device.createBuffer({ size: c.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(c, 0, read, 0, c.size);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const got = new Float32Array(read.getMappedRange().slice(0));
  read.destroy();
  for (let s = 0; s < 64; s++) {
    const [i, j] = [(s * 97 + 13) % n, (s * 61 + 7) % n];
    let want = 0;
    for (let k = 0; k < n; k++) want += a[i * n + k]! * b[k * n + j]!;
    if (!(Math.abs(got[i * n + j]! - want) <= 1e-3 * (1 + Math.abs(want)))) return false;
  }
  return true;
}

/** Each kernel at growing sizes until one product takes `target` ms (or n = 4096); the best rate of those that compute the product. */
export async function measurePeak(device: GPUDevice, adapter: GPUAdapterInfo, targetMs = 50): Promise<Peak> {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  let best: Peak['matmul'] = { gflops: 0, kernel: 'none', n: 0 };
  const wrong: string[] = [];
  for (const k of eightLanes(device, adapter) ? [...KERNELS, LANE_KERNEL] : KERNELS) {
    for (let n = 256; n <= 4096; n *= 2) {
      const bufs = [0, 1, 2].map(() => device.createBuffer({ size: n * n * 4, usage }));
      // Values in [-1, 1) on a fixed pattern, so that a wrong index shows.
      const [a, b] = [1, 2].map((seed) => Float32Array.from({ length: n * n }, (_, i) => (((i * 2654435761 + seed * 40503) >>> 0) % 2048) / 1024 - 1));
      device.queue.writeBuffer(bufs[0]!, 0, a!);
      device.queue.writeBuffer(bufs[1]!, 0, b!);
      const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module: device.createShaderModule({ code: k.code(n) }), entryPoint: 'main' } });
      const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })) });
      const [x, y] = k.groups(n);
      const ms = await time(
        device,
        (enc) => {
          const pass = enc.beginComputePass();
          pass.setPipeline(pipeline);
          pass.setBindGroup(0, bind);
          pass.dispatchWorkgroups(x, y);
          pass.end();
        },
        5,
      );
      const right = n > 256 || (await checkProduct(device, n, a!, b!, bufs[2]!));
      bufs.forEach((x) => x.destroy());
      if (!right) {
        wrong.push(k.name);
        break;
      }
      const gflops = (2 * n ** 3) / ms / 1e6;
      if (gflops > best.gflops) best = { gflops, kernel: k.name, n };
      if (ms >= targetMs) break;
    }
  }
  const bytes = 64 * 2 ** 20;
  const [a, b] = [0, 1].map(() => device.createBuffer({ size: bytes, usage }));
  const copyMs = await time(device, (enc) => enc.copyBufferToBuffer(a!, 0, b!, 0, bytes), 5);
  a!.destroy();
  b!.destroy();
  return { matmul: best, wrong, copy: (2 * bytes) / copyMs / 1e6 };
}
