// @ts-check
// Runs in Node (test tooling): the integration tests inside real VS Code. @vscode/test-electron's runTests drives the
// run as it would with desktop VS Code, but its "executable" is scripts/code-shim.sh, which runs the suite in
// code-server (see run-extension-tests.mjs). Needs `npm run build`, the tests compiled (tsc -p tsconfig.test.json)
// and scripts/setup-vscode-tools.sh. Extra arguments are passed on (e.g. --verbose, --timeout=600).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO_ROOT, findTools } from './vscodeTools.mjs';

findTools(); // fail early, with the fix, when the tools are not installed
const profile = mkdtempSync(path.join(os.tmpdir(), 'qkv-integration-'));
let code = 0;
try {
  await runTests({
    vscodeExecutablePath: path.join(REPO_ROOT, 'scripts', 'code-shim.sh'),
    extensionDevelopmentPath: REPO_ROOT,
    // $QKV_EXTENSION_TESTS runs another suite the same way (the panel benchmark: out/bench/vscode/index.js).
    extensionTestsPath: path.resolve(REPO_ROOT, process.env.QKV_EXTENSION_TESTS ?? path.join('out', 'test', 'integration', 'index.js')),
    launchArgs: [
      path.join(REPO_ROOT, 'test', 'integration', 'workspace'),
      '--disable-extensions',
      // A fresh profile every run: no settings, state or panels left over from an earlier run.
      `--user-data-dir=${path.join(profile, 'user-data')}`,
      `--extensions-dir=${path.join(profile, 'extensions')}`,
      ...process.argv.slice(2),
    ],
  });
} catch (error) {
  console.error(`integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
  code = 1;
} finally {
  rmSync(profile, { recursive: true, force: true });
}
process.exit(code);
