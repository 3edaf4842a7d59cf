// Runs in the VS Code extension host, first of the suites: a window where Show Attention has not run yet.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { openSample, panelCount, placeCursor, qkv } from './support';

describe('before anything is shown', () => {
  it('Export writes no file', async () => {
    const target = path.join(os.tmpdir(), `qkv-nothing-${process.pid}.json`);
    fs.rmSync(target, { force: true });
    assert.equal(await qkv.exportJson('model', target), undefined);
    assert.equal(fs.existsSync(target), false, `${target} was written`);
  });

  it('Show Attention on an empty line shows nothing and opens no panel', async () => {
    placeCursor(await openSample(), 1);
    assert.equal(await qkv.showAttention(), undefined);
    assert.equal(await qkv.shown(), undefined);
    assert.equal(panelCount(), 0);
  });
});
