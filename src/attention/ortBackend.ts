// Runs in the engine worker (Node): which onnxruntime runs the graphs. The native binding (onnxruntime-node) where
// one loads; elsewhere (an Intel Mac, musl Linux, a platform onnxruntime-node has no binary for, the universal
// .vsix) the same graphs run on onnxruntime-web's WASM backend. QKV_ORT_BACKEND=wasm forces the fallback (tests,
// bench). The bundles hand transformers.js this same choice (esbuild.mjs), so nothing requires the binding blindly.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as OrtApi from 'onnxruntime-common';

/** The part of the onnxruntime API the engine uses; onnxruntime-node and onnxruntime-web both provide it. */
export type Ort = Pick<typeof OrtApi, 'InferenceSession' | 'Tensor' | 'env'>;

export interface OrtBackend {
  readonly name: 'native' | 'wasm';
  readonly ort: Ort;
  /** One line for the log: what runs, and why the fallback when it is the fallback. */
  readonly description: string;
}

// Resolved at run time from node_modules beside dist/ (or out/): both packages stay outside the bundles.
const requireAtRunTime = createRequire(__filename);
let chosen: OrtBackend | undefined;

/** The backend, chosen once per thread. */
export function ortBackend(): OrtBackend {
  chosen ??= chooseBackend(process.env.QKV_ORT_BACKEND);
  return chosen;
}

function chooseBackend(forced: string | undefined): OrtBackend {
  let why = 'QKV_ORT_BACKEND=wasm';
  if (forced !== 'wasm') {
    try {
      const ort = requireAtRunTime('onnxruntime-node') as Ort;
      return { name: 'native', ort,
        description: `onnxruntime-node ${ort.env.versions.node ?? ''} (native, ${process.platform}-${process.arch})` };
    } catch (error) {
      why = `no native onnxruntime for ${process.platform}-${process.arch}: ${firstLine(error)}`;
    }
  }
  const ort = requireAtRunTime('onnxruntime-web') as Ort;
  // Its .wasm from beside its loader, never from a CDN (transformers.js sets one when wasmPaths is empty).
  ort.env.wasm.wasmPaths = pathToFileURL(`${path.dirname(requireAtRunTime.resolve('onnxruntime-web'))}${path.sep}`).href;
  // Plain single-threaded WASM: no extra worker threads in the extension host, and the same results every run.
  ort.env.wasm.numThreads = 1;
  return { name: 'wasm', ort, description: `onnxruntime-web ${ort.env.versions.web ?? ''} (WASM fallback; ${why})` };
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
