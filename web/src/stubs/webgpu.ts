// The page's stand-in for the npm `webgpu` package (Dawn, a Node addon):
// src/runtime/gpu/device.ts imports it only where navigator.gpu is missing,
// which in a page means there is no WebGPU at all.
export const globals = {};

export function create(_flags: string[]): GPU {
  throw new Error('this browser has no WebGPU (navigator.gpu is missing)');
}
