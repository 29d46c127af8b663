// End-to-end CLIP image indexing with transformers.js (the peer of IImageSearch.IndexDirectoryAsync), offline:
// AutoProcessor + CLIPVisionModelWithProjection (dtype fp32) from a local model folder, batch by batch:
// read (decode) the batch's files in parallel (RawImage.read → sharp/libvips on libuv's thread pool), preprocess with
// the model's CLIPImageProcessor, run the vision tower, L2-normalise and append the embeddings to an in-memory matrix
// (what a brute-force index is). Prints one JSON line with the wall time and the time spent in each step.
//
// Usage: node tjs-index.mjs <models-folder> <model-name> <image-folder> <batch> [--warmup N]
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AutoProcessor, CLIPVisionModelWithProjection, RawImage, env } from '@huggingface/transformers';

const [modelsFolder, modelName, folder, batchArg] = process.argv.slice(2);
const batch = Number(batchArg ?? 16);
const warmupIndex = process.argv.indexOf('--warmup');
const warmup = warmupIndex > 0 ? Number(process.argv[warmupIndex + 1]) : batch;

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = resolve(modelsFolder) + '/';

const loadStart = performance.now();
const processor = await AutoProcessor.from_pretrained(modelName);
const model = await CLIPVisionModelWithProjection.from_pretrained(modelName, { dtype: 'fp32', device: 'cpu' });
const loadSeconds = (performance.now() - loadStart) / 1000;

const files = readdirSync(folder).filter(f => /\.(jpe?g|png)$/i.test(f)).sort().map(f => join(folder, f));

async function embed(paths, times) {
  let t = performance.now();
  const images = await Promise.all(paths.map(p => RawImage.read(p)));
  let now = performance.now();
  times.decode += now - t; t = now;
  const inputs = await processor(images);
  now = performance.now();
  times.preprocess += now - t; t = now;
  const { image_embeds } = await model(inputs);
  now = performance.now();
  times.inference += now - t; t = now;
  const [n, d] = image_embeds.dims;
  const data = image_embeds.data;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[i * d + j] * data[i * d + j];
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) out[i * d + j] = data[i * d + j] * inv;
  }
  times.index += performance.now() - t;
  return out;
}

// Warm-up on the first files (session initialisation, JIT), not counted.
await embed(files.slice(0, Math.min(warmup, files.length)), { decode: 0, preprocess: 0, inference: 0, index: 0 });

const times = { decode: 0, preprocess: 0, inference: 0, index: 0 };
const matrix = [];
const start = performance.now();
for (let i = 0; i < files.length; i += batch) {
  matrix.push(await embed(files.slice(i, i + batch), times));
}
const seconds = (performance.now() - start) / 1000;
const dimension = matrix[0].length / Math.min(batch, files.length);
console.log(JSON.stringify({
  side: 'transformers.js', images: files.length, batch, dimension, seconds, images_per_s: files.length / seconds,
  decode_s: times.decode / 1000, preprocess_s: times.preprocess / 1000, inference_s: times.inference / 1000, index_s: times.index / 1000,
  load_s: loadSeconds,
}));
