// Encode documents with the GPT-2 tokenizer.json exactly as the extension will (transformers.js).
// stdin: JSON {"tokenizer_dir": DIR, "docs": [text, ...]}  stdout: JSON [[ids...], ...]
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { AutoTokenizer, env } = await import(path.join(repo, 'node_modules/@huggingface/transformers/dist/transformers.node.mjs'));
let input = '';
for await (const chunk of process.stdin) input += chunk;
const { tokenizer_dir: dir, docs } = JSON.parse(input);
env.allowRemoteModels = false;
env.localModelPath = path.dirname(path.resolve(dir));
const tok = await AutoTokenizer.from_pretrained(path.basename(path.resolve(dir)));
process.stdout.write(JSON.stringify(docs.map((d) => tok.encode(d, { add_special_tokens: false }))));
