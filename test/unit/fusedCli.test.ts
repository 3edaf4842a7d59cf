// Fused-attention models through the qkv-scope command, end to end: the summary and the export say that the
// attention was opened up, and the exported attention is real attention (rows sum to 1, causal zeros, recomputed
// from the exported q and k with the model's scale). Our fused fixture, and the two real fused graphs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../src/model/packageRoot';
import { attentionFromQK } from '../../shared/attentionMath';
import { checkExport, type AttentionExport } from '../../shared/exportSchema';
import { REAL_GRAPHS } from './fusedSupport';
import { fixtureDir, PIZZA } from './support';

const BIN = path.join(packageRoot(), 'bin', 'qkv-scope.js');

interface Case {
  readonly name: string;
  readonly model: string;
  readonly text: string;
  readonly op: string;
  readonly layers: number;
  /** Float16 graphs carry their rounding into q and k. */
  readonly tolerance: number;
}

const OURS: Case = { name: 'fused-attention fixture', model: fixtureDir('fused-attention'), text: PIZZA, op: 'com.microsoft.Attention',
  layers: 1, tolerance: 1e-5 };
const REAL: readonly Case[] = [
  // The graph's embedding table has 1000 rows while its tokenizer is GPT-2's: this text's ids are all below 1000.
  { name: 'genai-ortopt-tiny-random-gpt2-fused', model: path.join(REAL_GRAPHS, 'genai-ortopt-tiny-random-gpt2-fused'),
    text: 'The man said that the work was good.', op: 'com.microsoft.Attention', layers: 5, tolerance: 1e-5 },
  { name: 'genai-builder-tiny-random-llama-fp16', model: path.join(REAL_GRAPHS, 'genai-builder-tiny-random-llama-fp16'),
    text: PIZZA, op: 'com.microsoft.MultiHeadAttention', layers: 2, tolerance: 1e-5 },
];

describe('qkv-scope on fused attention', () => {
  it(`${OURS.name}: runs, says it opened ${OURS.op}, exports real attention`, () => runCase(OURS));
  for (const c of REAL) {
    const skip = fs.existsSync(REAL_GRAPHS) ? false : `../shared/real-graphs is absent (${REAL_GRAPHS})`;
    it(`${c.name}: runs through the CLI, says it opened ${c.op}, exports real attention`, { skip }, () => runCase(c));
  }
});

function runCase(c: Case): void {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-fused-')), 'export.json');
  const run = spawnSync(process.execPath, [BIN, '--model', c.model, '--text', c.text, '--out', out],
    { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`Fused attention opened up: ${c.op.replace(/\./g, '\\.')} `));
  assert.match(run.stdout, new RegExp(`: ${c.layers} layers × `));
  const doc = checkExport(JSON.parse(fs.readFileSync(out, 'utf8')));
  assert.deepEqual(doc.model.fused, [c.op]);
  assertRealAttention(doc, c.tolerance);
}

function assertRealAttention(doc: AttentionExport, tolerance: number): void {
  const n = doc.tokens.length;
  let worst = 0;
  for (const layer of doc.layers) {
    for (const head of layer.heads) {
      const flat = (rows: number[][]) => Float64Array.from(rows.flat());
      const expected = attentionFromQK(flat(head.q), flat(head.k), n, doc.model.head_dim, doc.model.causal, { scale: doc.model.scale });
      head.attention.forEach((row, i) => {
        const sum = row.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `L${layer.layer} H${head.head} row ${i} sums to ${sum}`);
        row.forEach((p, j) => {
          if (doc.model.causal && j > i) assert.equal(p, 0, `L${layer.layer} H${head.head} [${i}, ${j}] above the diagonal`);
          worst = Math.max(worst, Math.abs(p - expected[i * n + j]));
        });
      });
    }
  }
  assert.ok(worst <= tolerance, `attention recomputed from the exported q and k differs by ${worst}`);
}
