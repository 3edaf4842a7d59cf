// Runs in the VS Code extension host: "Open a nanoGPT checkpoint…" converts a checkpoint with the configured Python
// and selects the result; without Python it says so and changes nothing.
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, PIZZA, setSetting, showAttentionFor, qkv, testModel } from './support';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, onnx, numpy'], { stdio: 'ignore' }).status === 0;

function openNanoGpt(checkpoint: string): Thenable<string | undefined> {
  return vscode.commands.executeCommand<string | undefined>('qkvScope.openNanoGpt', checkpoint);
}

function modelSetting(): string | undefined {
  return vscode.workspace.getConfiguration('qkvScope').get<string>('model');
}

describe('Open a nanoGPT checkpoint', () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-nanogpt-vscode-'));
  const ckpt = path.join(scratch, 'out-shakespeare-char', 'ckpt.pt');
  fs.mkdirSync(path.dirname(ckpt));
  after(async () => {
    await setSetting('pythonPath', undefined);
    await setSetting('model', testModel());
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('without Python, converts nothing and keeps the model', async () => {
    fs.writeFileSync(ckpt, 'not a checkpoint');
    await setSetting('pythonPath', path.join(scratch, 'no-such-python'));
    const before = modelSetting();
    assert.equal(await openNanoGpt(ckpt), undefined);
    assert.equal(modelSetting(), before);
  });

  it('converts a character checkpoint with meta.pkl beside it, selects it, and shows its attention', async function () {
    if (!hasTorch) {
      console.log(`      skipped: ${PYTHON} has no torch, onnx and numpy (apt install python3-torch python3-onnx)`);
      this.skip();
    }
    this.timeout(180_000);
    const tools = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'tools');
    execFileSync(PYTHON, ['-c', `import sys; sys.path.insert(0, ${JSON.stringify(tools)})
from nanogpt.tiny_checkpoint import save_tiny_checkpoint, save_shakespeare_meta
save_tiny_checkpoint(${JSON.stringify(ckpt)}, seed=5, vocab_size=65)
save_shakespeare_meta(${JSON.stringify(path.join(path.dirname(ckpt), 'meta.pkl'))})`]);
    await setSetting('pythonPath', PYTHON);
    const folder = await openNanoGpt(ckpt);
    assert.ok(folder && fs.existsSync(path.join(folder, 'onnx', 'model.onnx')), `converted folder: ${folder}`);
    assert.equal(modelSetting(), folder);
    const outcome = await showAttentionFor(PIZZA);
    assert.equal(outcome.tokens, PIZZA.length, 'one token per character');
    assert.equal((await qkv.shown())?.model.id, folder);
    await qkv.waitForPaint();
  });
});
