// Ctrl-C or SIGTERM while qkv-scope downloads a hub model: the partial file is removed, and nothing that looks
// like a finished download is left in the cache.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { hubModelDir } from '../../src/model/hub/hubCache';
import { packageRoot } from '../../src/model/packageRoot';
import { repoFromFolder, startHubServer, type HubServer } from '../unit/hubServer';
import { fixtureDir, PIZZA } from '../unit/support';

const BIN = process.env.QKV_SCOPE_BIN ?? path.join(packageRoot(), 'bin', 'qkv-scope.js');
const REPO = 'test/slow';

let server: HubServer;
before(async () => {
  server = await startHubServer({ [REPO]: repoFromFolder(fixtureDir('tiny-gpt2')) });
  server.behave(REPO, 'onnx/model.onnx', 'slow');
});
after(() => server.close());

/** Files under `dir`; one renamed or removed between the listing and its stat (a finished .part) is not counted. */
function filesUnder(dir: string): string[] {
  return fs.existsSync(dir)
    ? (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(dir, f), { throwIfNoEntry: false })?.isFile() === true)
    : [];
}

describe('signals during a download', { concurrency: 2 }, () => {
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: exit ${code}, no partial file left`, async () => {
      const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'qkv-sig-'));
      const child = spawn(process.execPath,
        [BIN, '--text', PIZZA, '--model', REPO, '--hub-endpoint', server.endpoint, '--cache-dir', cache], { stdio: 'ignore' });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      const modelDir = hubModelDir(cache, REPO, 'main');
      const end = Date.now() + 30_000;
      while (!filesUnder(modelDir).some((f) => f.includes('.part-')) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
      assert.ok(Date.now() < end, 'the download never started');
      child.kill(signal);
      assert.equal(await exited, code);
      assert.deepEqual(filesUnder(modelDir).filter((f) => f.includes('.part-') || f.endsWith('.onnx')), []);
      fs.rmSync(cache, { recursive: true, force: true });
    });
  }
});
