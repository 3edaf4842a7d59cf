// Builds every bundle. Type checking is separate (npm run typecheck).
//   dist/extension.js  VS Code extension host (when src/extension.ts exists)
//   dist/cli.js        the qkv-scope command
//   dist/engineWorker.js  the worker thread that decodes, patches and runs models
//   dist/exportWorker.js  the worker thread that writes a JSON export
//   dist/webview.js    the panel (when webview/main.ts exists)
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

// Worker scripts sit beside the code that starts them (path.join(__dirname, 'engineWorker.js')), in dist/ as in out/.
const nodeOutNames = {
  'src/extension.ts': 'extension',
  'src/cli/main.ts': 'cli',
  'src/attention/engineWorker.ts': 'engineWorker',
  'src/export/exportWorker.ts': 'exportWorker',
};
const nodeEntries = Object.keys(nodeOutNames).filter((f) => fs.existsSync(f));

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    entryPoints: Object.fromEntries(nodeEntries.map((f) => [nodeOutNames[f], f])),
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Native and heavy packages stay in node_modules: onnxruntime-node has .node binaries, transformers.js loads sharp.
    external: ['vscode', 'onnxruntime-node', '@huggingface/transformers'],
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
  },
];
if (fs.existsSync('webview/main.ts')) {
  builds.push({
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'info',
  });
}

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
