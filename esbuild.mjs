// Builds every bundle. Type checking is separate (npm run typecheck).
//   dist/extension.js  VS Code extension host (when src/extension.ts exists)
//   dist/cli.js        the qkv-scope command
//   dist/engineWorker.js  the worker thread that decodes, patches and runs models
//   dist/exportWorker.js  the worker thread that writes a JSON export
//   dist/webview.js    the panel (when webview/main.ts exists)
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
// scripts/package.mjs builds once, then runs vsce several times at once: their vscode:prepublish must not rebuild.
if (production && process.env.QKV_BUNDLES_BUILT) process.exit(0);

// Worker scripts sit beside the code that starts them (path.join(__dirname, 'engineWorker.js')), in dist/ as in out/.
const nodeOutNames = {
  'src/extension.ts': 'extension',
  'src/cli/main.ts': 'cli',
  'src/attention/engineWorker.ts': 'engineWorker',
  'src/export/exportWorker.ts': 'exportWorker',
};
const nodeEntries = Object.keys(nodeOutNames).filter((f) => fs.existsSync(f));

/**
 * transformers.js requires onnxruntime-node as soon as it loads (createRequire, invisible to esbuild), which throws
 * where no native binding exists, before our WASM fallback can run. Hand it our backend choice instead
 * (src/attention/ortBackend.ts). Fails the build if transformers.js no longer has that line.
 * @type {esbuild.Plugin}
 */
const transformersPlugin = {
  name: 'transformers-ort-backend',
  setup(build) {
    build.onLoad({ filter: /[\\/]@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.node\.cjs$/ }, async (args) => {
      const source = await fs.promises.readFile(args.path, 'utf8');
      const line = 'requireFromHere("onnxruntime-node")';
      if (!source.includes(line)) throw new Error(`${args.path} no longer contains ${line}: update esbuild.mjs`);
      const backend = JSON.stringify(path.resolve('src/attention/ortBackend.ts'));
      return { contents: source.replace(line, `require(${backend}).ortBackend().ort`), loader: 'js' };
    });
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    entryPoints: Object.fromEntries(nodeEntries.map((f) => [nodeOutNames[f], f])),
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // onnxruntime-node (.node binaries) and onnxruntime-web (.wasm beside its loader) stay in node_modules;
    // transformers.js is bundled, without sharp (images: never used here) and without its own blind require of
    // the native binding (see transformersPlugin).
    external: ['vscode', 'onnxruntime-node', 'onnxruntime-web'],
    alias: {
      sharp: './src/emptyModule.ts',
      // Its CommonJS build: the one transformersPlugin knows how to hand our onnxruntime choice.
      '@huggingface/transformers': './node_modules/@huggingface/transformers/dist/transformers.node.cjs',
    },
    plugins: [transformersPlugin],
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

/**
 * What .vscode/tasks.json's background problem matcher waits for: a line when a rebuild starts and ends.
 * @type {esbuild.Plugin}
 */
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => console.log(`[watch] build finished (${result.errors.length} errors)`));
  },
};

if (watch) {
  for (const options of builds) await (await esbuild.context({ ...options, plugins: [...(options.plugins ?? []), watchMarkers] })).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
