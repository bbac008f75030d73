// One Dawn instance for every WebGPU peer in the process: txc, jax-js and
// TF.js all find it as `navigator.gpu` (txc's `gpuDevice()` takes
// `navigator.gpu` when there is one), so they run on the same adapter. Each
// library requests its own GPUDevice from it, as it does in a page.
//
// Dispatches are counted by wrapping GPUComputePassEncoder.dispatchWorkgroups
// on Dawn's prototype: every library records its passes through it.
import os from 'node:os';
import { create, globals } from 'webgpu';

// Dawn's instance must outlive every device made from it: if it is garbage
// collected the native side tears down under live devices and aborts.
let instance: GPU | undefined;
let counted = false;
let dispatches = 0;

/** Installs Dawn's globals and `navigator.gpu` (idempotent); returns the instance. */
export function installDawn(): GPU {
  if (instance) return instance;
  Object.assign(globalThis, globals);
  instance = create([]);
  const g = globalThis as unknown as { navigator?: Record<string, unknown> };
  const old = g.navigator ?? {};
  // Node 20 has no `navigator`; Node 21+ has one without `gpu`. jax-js reads
  // userAgent (to tune its kernels) and hardwareConcurrency (its Wasm
  // workers), TF.js only gpu.
  Object.defineProperty(globalThis, 'navigator', {
    value: {
      userAgent: typeof old['userAgent'] === 'string' ? old['userAgent'] : `Node.js/${process.versions.node}`,
      hardwareConcurrency: typeof old['hardwareConcurrency'] === 'number' ? old['hardwareConcurrency'] : os.availableParallelism(),
      language: 'en-US',
      gpu: instance,
    },
    configurable: true,
    writable: true,
  });
  countDispatches();
  return instance;
}

function countDispatches(): void {
  if (counted) return;
  counted = true;
  const proto = (globalThis as unknown as { GPUComputePassEncoder: { prototype: GPUComputePassEncoder } }).GPUComputePassEncoder.prototype;
  const direct = proto.dispatchWorkgroups;
  const indirect = proto.dispatchWorkgroupsIndirect;
  proto.dispatchWorkgroups = function (this: GPUComputePassEncoder, ...a: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) {
    dispatches++;
    return direct.apply(this, a);
  };
  proto.dispatchWorkgroupsIndirect = function (this: GPUComputePassEncoder, ...a: Parameters<GPUComputePassEncoder['dispatchWorkgroupsIndirect']>) {
    dispatches++;
    return indirect.apply(this, a);
  };
}

/** Compute dispatches recorded so far in this process, by any library. */
export function dispatchCount(): number {
  return dispatches;
}

export interface Machine {
  cpu: string;
  cores: number;
  memory: string;
  /** Dawn's adapter, or why there is none. */
  adapter: string;
  node: string;
}

export async function describeMachine(): Promise<Machine> {
  const cpus = os.cpus();
  let adapter: string;
  try {
    const a = await installDawn().requestAdapter();
    if (!a) adapter = 'none (Dawn found no WebGPU adapter: run `bash scripts/setup.sh`)';
    else {
      const i = a.info;
      const parts = [i.description || i.device, i.vendor && `vendor ${i.vendor}`, i.architecture && `arch ${i.architecture}`];
      adapter = `${parts.filter(Boolean).join(', ')} (Dawn, npm webgpu)`;
    }
  } catch (e) {
    adapter = `none (${(e as Error).message})`;
  }
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    adapter,
    node: process.version,
  };
}
