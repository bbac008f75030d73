import { create, globals } from '/work/main/node_modules/webgpu/index.js';
Object.assign(globalThis, globals);
const gpu = create([]);
globalThis.navigator = { gpu, userAgent: 'Node.js', hardwareConcurrency: 2 };
globalThis.__keep = gpu;
const tf = await import('@tensorflow/tfjs-core');
await import('@tensorflow/tfjs-backend-cpu'); await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
await import('@tensorflow/tfjs-backend-webgpu');
let count = 0;
const orig = GPUComputePassEncoder.prototype.dispatchWorkgroups;
GPUComputePassEncoder.prototype.dispatchWorkgroups = function (...a) { count++; return orig.apply(this, a); };
for (const be of ['cpu', 'webgpu']) {
  console.log('set', be, await tf.setBackend(be));
  await tf.ready();
  const w = tf.variable(tf.tensor3d([0.2, 0.7], [2, 1, 1])); // tf conv1d filter [k, in, out]
  const x = tf.tensor3d(Float32Array.from({ length: 32 * 30 }, (_, i) => Math.sin(i)), [32, 30, 1]);
  const y = tf.tensor3d(Float32Array.from({ length: 32 * 30 }, (_, i) => Math.cos(i)), [32, 30, 1]);
  for (let i = 0; i < 3; i++) {
    count = 0;
    const t = performance.now();
    const { value, grads } = tf.variableGrads(() => {
      const xp = tf.concat([x, tf.slice(x, [0, 0, 0], [-1, 1, -1])], 1);
      const out = tf.conv1d(xp, w, 1, 'valid');
      return tf.mean(tf.square(tf.sub(out, y)));
    });
    const lv = await value.data(); const gv = await grads[w.name].data();
    console.log(be, lv, gv, count, performance.now() - t);
  }
}
