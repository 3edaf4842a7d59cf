// Runs in Node (node --test): the CLI as a citizen of its ecosystem. --file drops the single final newline a text
// file ends with (standard input too); --format npz writes what np.load reads, checked with real NumPy
// (/usr/bin/python3) against the JSON export of the same run; skipped plainly where NumPy is absent.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../../src/model/packageRoot';
import { fixtureDir, PIZZA } from './support';

const BIN = path.join(packageRoot(), 'bin', 'qkv-scope.js');
const PYTHON = process.env.QKV_PYTHON ?? '/usr/bin/python3';

function cli(args: string[], input?: string) {
  const run = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

const tokensLine = (out: string) => /^Tokens \(\d+\): .*$/m.exec(out)?.[0];
const numpyMissing = (): string | false => {
  const probe = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
  return probe.status === 0 ? false : `NumPy is not installed for ${PYTHON}`;
};

describe('qkv-scope --file and --format npz', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-cli-export-'));
  const model = fixtureDir('tiny-gpt2');

  it('drops one final newline from --file, and only one', () => {
    const expected = tokensLine(cli(['--text', PIZZA, '--model', model]).out);
    for (const [name, ending] of [['lf', '\n'], ['crlf', '\r\n']]) {
      const file = path.join(dir, `${name}.txt`);
      fs.writeFileSync(file, `${PIZZA}${ending}`);
      const run = cli(['--file', file, '--model', model]);
      assert.equal(run.code, 0, run.err);
      assert.equal(tokensLine(run.out), expected, name);
    }
    fs.writeFileSync(path.join(dir, 'two.txt'), `${PIZZA}\n\n`);
    assert.match(tokensLine(cli(['--file', path.join(dir, 'two.txt'), '--model', model]).out) ?? '', /\(13\).*↵$/);
    assert.equal(tokensLine(cli(['--file', '-', '--model', model], `${PIZZA}\n`).out), expected, 'standard input');
  });

  it('refuses an unknown --format in one line', () => {
    const run = cli(['--text', PIZZA, '--format', 'csv']);
    assert.equal(run.code, 2);
    assert.match(run.err, /--format takes "json" or "npz", not "csv"/);
  });

  it('writes an .npz that NumPy loads, with the same numbers as the JSON export', { skip: numpyMissing() }, () => {
    const json = path.join(dir, 'a.json');
    const npz = path.join(dir, 'a.npz');
    for (const [out, extra] of [[json, []], [npz, []], [path.join(dir, 'b.data'), ['--format', 'npz']]] as const) {
      const run = cli(['--text', PIZZA, '--model', model, '--out', out, '--heads', '1,3', ...extra]);
      assert.equal(run.code, 0, run.err);
    }
    const check = `
import json, sys, numpy as np
doc = json.load(open(sys.argv[1], encoding="utf-8"))
for path in sys.argv[2:]:
    with np.load(path, allow_pickle=False) as npz:
        meta = json.loads(npz["meta.json"])
        assert meta["format"] == "qkv-scope.attention-npz", meta["format"]
        assert meta["tokens"] == doc["tokens"] and meta["model"] == doc["model"] and meta["text"] == doc["text"]
        assert meta["layers"] == [0, 1] and meta["heads"] == [1, 3], (meta["layers"], meta["heads"])
        names = sorted(n for n in npz.files if n != "meta.json")
        assert names == sorted(f"layer{l}_{k}" for l in (0, 1) for k in ("attention", "q", "k", "v")), names
        n, d = len(doc["tokens"]), doc["model"]["head_dim"]
        for layer in doc["layers"]:
            for kind in ("attention", "q", "k", "v"):
                array = npz[f"layer{layer['layer']}_{kind}"]
                assert array.dtype == np.float32
                assert array.shape == (2, n, n if kind == "attention" else d), array.shape
                expected = np.array([h[kind] for h in layer["heads"]], dtype=np.float32)
                assert np.array_equal(array, expected), (kind, float(np.abs(array - expected).max()))
print("ok")
`;
    const run = spawnSync(PYTHON, ['-c', check, json, npz, path.join(dir, 'b.data')], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'ok');
  });
  it('writes the translation kinds to the .npz: encoder, decoder and cross arrays equal to the JSON export\'s',
    { skip: numpyMissing() }, () => {
    const json = path.join(dir, 't5.json');
    const npz = path.join(dir, 't5.npz');
    for (const out of [json, npz]) {
      const run = cli(['--text', 'The cat is black.', '--model', fixtureDir('tiny-t5-en-fr'), '--target-lang', 'fr', '--out', out,
        '--heads', '0,2']);
      assert.equal(run.code, 0, run.err);
    }
    // T5 adds a relative position bias in both self-attentions, so the encoder and decoder arrays include scores.
    const check = `
import json, sys, numpy as np
doc = json.load(open(sys.argv[1], encoding="utf-8"))
with np.load(sys.argv[2], allow_pickle=False) as npz:
    meta = json.loads(npz["meta.json"])
    t = doc["translation"]
    assert {k: v for k, v in meta["translation"].items() if k != "arrays"} == {k: v for k, v in t.items() if not k.endswith("_layers")}
    assert t["text"] == "Le chat est noir." and t["target_lang"] == "fr" and t["scale"] == 1, t["text"]
    groups = [("", doc["layers"]), ("decoder_", t["decoder_layers"]), ("cross_", t["cross_layers"])]
    expected_names = set()
    for prefix, layers in groups:
        for layer in layers:
            for kind in ("attention", "q", "k", "v", "scores"):
                if kind not in layer["heads"][0]:
                    continue
                name = f"{prefix}layer{layer['layer']}_{kind}"
                expected_names.add(name)
                expected = np.array([h[kind] for h in layer["heads"]], dtype=np.float32)
                assert npz[name].shape == expected.shape and np.array_equal(npz[name], expected), name
    assert set(npz.files) - {"meta.json"} == expected_names, sorted(npz.files)
    assert "decoder_layer1_scores" in expected_names and "layer0_scores" in expected_names
    s, rows = len(doc["tokens"]), len(t["tokens"])
    assert npz["cross_layer0_attention"].shape == (2, rows, s) and npz["cross_layer0_k"].shape == (2, s, 8)
print("ok")
`;
    const run = spawnSync(PYTHON, ['-c', check, json, npz], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'ok');
  });
});
