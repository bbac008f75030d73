// Which codegen Target (ir/target.ts) a device gets: GPU shapes on a
// GPU; CPU shapes on a CPU adapter (lavapipe, SwiftShader). Subgroup tiles
// assume more than WebGPU promises: a fixed subgroup size, subgroups made of
// consecutive local invocation indices, and a driver where a broadcast is
// far cheaper than a load. So they are asked for only on CPU adapters that
// report one subgroup size, and used only after a probe kernel, run at each
// workgroup size codegen uses, confirms the lane layout. Whichever it is,
// the target carries the device's own buffer limits.
import { MAP_WORKGROUP, SMALL_WORKGROUP } from '../../codegen/kernel.js';
import type { Target } from '../../ir/target.js';
import { cpuWithSubgroups, GENERIC, GPU, withLimits } from '../../ir/target.js';

type Info = GPUAdapterInfo & { isFallbackAdapter?: boolean; subgroupMinSize?: number; subgroupMaxSize?: number };

/** Whether an adapter runs on the CPU: Dawn marks lavapipe and SwiftShader as fallbacks of architecture 'software'. */
export function cpuAdapter(adapter: GPUAdapter): boolean {
  const info = adapter.info as Info;
  return info.isFallbackAdapter === true || info.architecture === 'software';
}

/** The subgroup size to ask a CPU adapter's device for, or undefined. */
export function wantedSubgroup(adapter: GPUAdapter): number | undefined {
  const info = adapter.info as Info;
  const size = info.subgroupMinSize;
  if (!cpuAdapter(adapter) || !adapter.features.has('subgroups') || !size || size !== info.subgroupMaxSize) return undefined;
  return SMALL_WORKGROUP % size === 0 ? size : undefined;
}

const targets = new WeakMap<GPUDevice, Target>();

/** The target a device was given (GENERIC, CPU shapes on core WebGPU, for devices acquired elsewhere), within its limits. */
export function deviceTarget(device: GPUDevice): Target {
  return withLimits(targets.get(device) ?? GENERIC, device.limits);
}

/** Records a GPU adapter's device: it gets GPU shapes. */
export function markGpu(device: GPUDevice): void {
  targets.set(device, GPU);
}

/** Runs the probe on a device created with the 'subgroups' feature, and records its target. */
export async function probeTarget(device: GPUDevice, size: number): Promise<void> {
  const sizes = [SMALL_WORKGROUP, MAP_WORKGROUP];
  const groups = 4;
  const count = groups * Math.max(...sizes);
  const out = device.createBuffer({ size: count * 4 * sizes.length, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: out.size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder();
  device.pushErrorScope('validation');
  sizes.forEach((wg, j) => {
    const module = device.createShaderModule({
      code: `enable subgroups;
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let first = subgroupBroadcast(lid, 0u);
  out[${j * count}u + wid.x * ${wg}u + lid] = select(0u, 1u, size == ${size}u && lane == lid % ${size}u && first == lid - lane);
}`,
    });
    const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] }));
    pass.dispatchWorkgroups(groups);
    pass.end();
  });
  encoder.copyBufferToBuffer(out, 0, read, 0, out.size);
  device.queue.submit([encoder.finish()]);
  const error = await device.popErrorScope();
  await read.mapAsync(GPUMapMode.READ);
  const flags = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  out.destroy();
  read.destroy();
  const ok = !error && sizes.every((wg, j) => flags.subarray(j * count, j * count + groups * wg).every((f) => f === 1));
  if (ok) targets.set(device, cpuWithSubgroups(size));
}
