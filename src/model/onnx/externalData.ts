// Runs in Node (engine worker, hub downloads): the files a graph keeps its weights in (`model.onnx_data`,
// `model.onnx.data`: every export over 2 GB, and some small ones), named by the graph's own initializers.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { QkvError } from '../../../shared/errors';

/** The external data files the graph's initializers name, relative to the graph's folder. */
export function externalDataFiles(graph: onnx.IGraphProto): string[] {
  const files = new Set<string>();
  for (const tensor of graph.initializer ?? []) {
    if (tensor.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL) continue;
    const location = tensor.externalData?.find((entry) => entry.key === 'location')?.value;
    if (location) files.add(location);
  }
  return [...files];
}

/** Checks that every external data file sits beside the graph; one sentence naming the first one missing. */
export function checkExternalData(files: readonly string[], graphPath: string, modelLabel: string): void {
  const dir = path.dirname(graphPath);
  for (const file of files) {
    const full = path.resolve(dir, file);
    if (path.relative(dir, full).startsWith('..')) {
      throw new QkvError('model-invalid',
        `${modelLabel}: ${path.basename(graphPath)} keeps weights in "${file}", outside its own folder; ` +
        `QKV Scope only reads data files beside the graph.`);
    }
    if (!fs.existsSync(full)) {
      throw new QkvError('model-not-found',
        `${modelLabel}: ${path.basename(graphPath)} keeps its weights in ${file}, which is missing from ${dir}.`);
    }
  }
}
