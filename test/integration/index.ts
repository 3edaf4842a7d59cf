// Runs in the VS Code extension host: the entry point VS Code loads from --extensionTestsPath. It prepares the
// window (extension active, test model chosen) and runs the suites with mocha, in order: the first suite needs
// a window where nothing has been shown yet, and the later ones build on what the earlier ones showed.
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { EXTENSION_ID, setSetting, testModel } from './support';

const SUITES = ['beforeAnyRun', 'showAttention', 'exportJson', 'exportImage', 'stepCard', 'editorLink', 'limits', 'hubModel', 'nanoGpt',
  'translation', 'translationLink', 'restorePanel'];

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await setSetting('model', testModel());
  await extension.activate();
  console.log(`VS Code ${vscode.version}, Node ${process.version}, model ${testModel()}`);

  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, slow: 5_000 });
  // QKV_SUITES=editorLink,stepCard runs only those (while working on them); CI runs them all.
  const only = process.env.QKV_SUITES?.split(',').filter(Boolean);
  for (const suite of only ?? SUITES) mocha.addFile(path.join(__dirname, `${suite}.test.js`));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
