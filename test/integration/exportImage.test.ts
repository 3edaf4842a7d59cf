// Runs in the VS Code extension host: Export Image through the real command, host and webview — a PNG at 2× and an
// SVG of vectors and text, written atomically — and the one sentence a wrong target gets.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import { PIZZA, qkv, showAttentionFor } from './support';

const exportImage = (target: string) => Promise.resolve(vscode.commands.executeCommand<string | undefined>('qkvScope.exportImage', target));

describe('Export Image', () => {
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-image-'));
    await showAttentionFor(PIZZA);
    assert.equal(await qkv.showHead(1, 2), true);
    await qkv.waitForPaint({ layer: 1, head: 2 });
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes the heatmap as a PNG at twice the size it lays out', async () => {
    const target = path.join(dir, 'heatmap.png');
    assert.equal(await exportImage(target), target);
    const png = fs.readFileSync(target);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.readUInt32BE(16) >= 600 && png.readUInt32BE(16) % 2 === 0, `width ${png.readUInt32BE(16)}`);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.partial')), [], 'no half-written file is left');
  });

  it('writes an SVG of vectors with the title, the token labels and the legend', async () => {
    const target = path.join(dir, 'heatmap.svg');
    assert.equal(await exportImage(target), target);
    const svg = fs.readFileSync(target, 'utf8');
    assert.match(svg, /<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.doesNotMatch(svg, /<image/);
    assert.match(svg, / · Layer 2 \/ \d+ · Head 3 \/ \d+<\/text>/, "the title: model · layer · head");
    assert.ok(svg.includes('>␣pizza</text>') && svg.includes('linearGradient'));
  });

  it('refuses a target that is not .png or .svg, writing nothing', async () => {
    const target = path.join(dir, 'heatmap.gif');
    assert.equal(await exportImage(target), undefined);
    assert.equal(fs.existsSync(target), false);
  });
});
