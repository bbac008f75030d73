// The one place that differs between Node (Dawn through the npm `webgpu`
// package) and a page (navigator.gpu): getting a GPUDevice. Everything after
// it is the same code.
import { UserError } from '../../util/diagnostics.js';
import { cpuAdapter, markGpu, probeTarget, wantedSubgroup } from './target-probe.js';

let cached: Promise<GPUDevice> | undefined;
// Dawn's instance must outlive its devices: if it is garbage-collected, the
// native side tears down under a live device and aborts the process.
let instance: GPU | undefined;

export function gpuDevice(): Promise<GPUDevice> {
  cached ??= acquire().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}

/** Whether the adapter is a hardware GPU, not a CPU's (lavapipe, SwiftShader) nor missing; asks for no device. */
export async function hardwareGpu(): Promise<boolean> {
  const adapter = await (await gpuEntry()).requestAdapter();
  return adapter !== null && !cpuAdapter(adapter);
}

async function acquire(): Promise<GPUDevice> {
  const gpu = await gpuEntry();
  const adapter = await gpu.requestAdapter();
  if (!adapter)
    throw new UserError(
      'no WebGPU adapter found',
      typeof window === 'undefined'
        ? 'Dawn needs a Vulkan driver: run `bash scripts/setup.sh` (it installs Mesa\'s software driver), then check with `node scripts/probe-webgpu.mjs`; or compute on the CPU with --device cpu'
        : 'use a browser with WebGPU enabled (Chrome 113+, or Chromium with --enable-unsafe-webgpu)',
    );
  // Ask for the adapter's real limits: the defaults allow 128 MiB per binding, and 8 storage buffers (the arena's banks need more).
  const limits = adapter.limits;
  const subgroup = wantedSubgroup(adapter);
  const device = await adapter.requestDevice({
    ...(subgroup && { requiredFeatures: ['subgroups' as GPUFeatureName] }),
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    },
  });
  // A lost device is never handed out again; whoever was using it learns of
  // the loss from the work that fails (see lost.ts).
  void device.lost.then(() => (cached = undefined));
  // A probe that cannot run leaves the device on the portable target.
  if (!cpuAdapter(adapter)) markGpu(device);
  else if (subgroup) await probeTarget(device, subgroup).catch(() => {});
  return device;
}

async function gpuEntry(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const dawn = await import('webgpu');
  Object.assign(globalThis, dawn.globals);
  instance ??= dawn.create([]);
  return instance;
}
