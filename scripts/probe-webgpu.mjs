#!/usr/bin/env node
// Exit 0 if Dawn (npm `webgpu`) finds a WebGPU adapter, 1 otherwise.
// setup.sh uses the exit code to decide whether to install a software Vulkan
// driver; a human can run it to see which adapter the runtime will get.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]);
let adapter = null;
try {
  adapter = await gpu.requestAdapter();
} catch (err) {
  console.error(`webgpu: requestAdapter threw: ${err?.message ?? err}`);
}
if (!adapter) {
  console.error('webgpu: no adapter found');
  process.exit(1);
}
// `info` is the current spec; requestAdapterInfo() was removed from it.
const info = adapter.info ?? {};
const fields = ['vendor', 'architecture', 'device', 'description'].map((k) => `${k}=${JSON.stringify(info[k] ?? '')}`);
console.log(`webgpu adapter: ${fields.join(' ')}`);
// Dawn keeps native threads alive; exit explicitly so the probe never hangs.
process.exit(0);
