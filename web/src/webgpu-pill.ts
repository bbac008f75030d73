// Whether this browser has WebGPU: the pill in the header, the banner when it
// has none, and the gpu entry of the device menu.
import { gpuDevice } from '../../src/runtime/gpu/device.js';

const WITHOUT = 'This browser has no WebGPU, so nothing here runs on your GPU. The page still checks, draws and compiles your spec (IR, kernels, WGSL), and trains on the CPU.';

/** Resolves to whether WebGPU answered. */
export async function detectWebGpu(el: { pill: HTMLElement; banner: HTMLElement; gpuOption: HTMLOptionElement }): Promise<boolean> {
  const say = (ok: boolean, pill: string, banner?: string) => {
    el.gpuOption.disabled = !ok;
    el.pill.textContent = pill;
    el.pill.classList.add(ok ? 'ok' : 'bad');
    el.banner.hidden = !banner;
    if (banner) el.banner.textContent = banner;
    document.body.dataset['webgpu'] = String(ok);
    return ok;
  };
  el.gpuOption.disabled = true;
  if (!('gpu' in navigator)) return say(false, 'WebGPU: not available', WITHOUT);
  try {
    const device = await gpuDevice();
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    const name = [info?.vendor, info?.architecture || info?.device || info?.description].filter(Boolean).join(' ');
    return say(true, `WebGPU: ${name || 'available'}`);
  } catch (e) {
    return say(false, 'WebGPU: no adapter', `${WITHOUT} (${e instanceof Error ? e.message : String(e)})`);
  }
}
