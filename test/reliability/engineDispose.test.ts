// Disposing or cancelling the engine at any moment, inside onnxruntime included, leaves the process alive.
// Each case runs in a child process: a process abort (exit 134, "terminate called after throwing Napi::Error")
// would otherwise take the test runner with it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fixtureDir } from '../unit/support';

function node(script: string, args: readonly string[]) {
  const run = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, signal: run.signal, out: run.stdout, err: run.stderr };
}

// The CLI's engine is a worker thread; the extension host's is a child process (src/attention/engineChannel.ts).
for (const [isolation, runs] of [['thread', 50], ['process', 20]] as const) {
  describe(`engine dispose and cancel (${isolation})`, () => {
    it('disposing while a forward pass runs finishes it, drops the result, and the process lives on', () => {
      const run = node(path.join(__dirname, 'disposeMidRun.js'), [fixtureDir('wide-gpt2'), isolation]);
      assert.equal(run.signal, null, run.err);
      assert.equal(run.code, 0, run.err);
      assert.match(run.out, /rejected: cancelled\nalive/);
    });

    it(`${runs} runs cancelled or disposed at random moments: every run settles and the process is still alive`, () => {
      const seed = String(Date.now() % 100_000);
      const run = node(path.join(__dirname, 'engineChurn.js'), [seed, String(runs), fixtureDir('wide-gpt2'), isolation]);
      assert.equal(run.signal, null, `seed ${seed}: ${run.err}`);
      assert.equal(run.code, 0, `seed ${seed}: ${run.err}`);
      const outcome = JSON.parse(run.out) as { done: number; cancelled: number; disposed: number; lastTokens: number };
      assert.equal(outcome.done + outcome.cancelled, runs);
      assert.ok(outcome.disposed > 0, `seed ${seed} never disposed`);
      assert.ok(outcome.lastTokens > 0);
    });
  });
}
