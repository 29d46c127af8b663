// Checks that transformers.js tokenizes like the reference with the tokenizer.json of a CLIP model folder.
// It compares ids (without and with the special tokens) for every text of the tokenizer fixtures and lists mismatches.
//
// Setup (outside the repository):  mkdir /tmp/tjs && cd /tmp/tjs && ONNXRUNTIME_NODE_INSTALL=skip npm install @huggingface/transformers@4.3.1
// Run:   TRANSFORMERS_JS_PREFIX=/tmp/tjs node eng/tools/check-clip-tokenizer-transformersjs.mjs [models-folder] [model-name]
//        (defaults: samples/models clip-tiny-shapes)
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const prefix = process.env.TRANSFORMERS_JS_PREFIX ?? '/tmp/tjs';
const require = createRequire(join(prefix, 'package.json'));
const { AutoTokenizer, env } = await import(pathToFileURL(require.resolve('@huggingface/transformers')).href);

env.allowRemoteModels = false;
env.localModelPath = resolve(process.argv[2] ?? join(root, 'samples', 'models')) + '/';
const name = process.argv[3] ?? 'clip-tiny-shapes';
const tokenizer = await AutoTokenizer.from_pretrained(name);

const files = [
  join(root, 'tests', 'fixtures', 'clip-tokenizer', 'tokenizer_public.jsonl'),
  join(root, 'tests', 'VectorImageSearch.Onnx.Tests', 'Text', 'clip_tokenizer_python.jsonl'),
];
let total = 0;
let mismatches = 0;
for (const file of files) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const row = JSON.parse(line);
    if (row.text === undefined) continue;
    total++;
    const ids = Array.from(tokenizer.encode(row.text, { add_special_tokens: false }));
    const withSpecial = Array.from(tokenizer.encode(row.text));
    const expected = JSON.stringify(row.ids);
    const expectedSpecial = JSON.stringify([49406, ...row.ids, 49407]);
    if (JSON.stringify(ids) !== expected || JSON.stringify(withSpecial) !== expectedSpecial) {
      mismatches++;
      console.log(`MISMATCH ${JSON.stringify(row.text).slice(0, 120)}\n  expected ${expected.slice(0, 200)}\n  got      ${JSON.stringify(ids).slice(0, 200)}`);
    }
  }
}
console.log(`${total - mismatches}/${total} texts identical, ${mismatches} differ`);
