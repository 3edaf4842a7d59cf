// Runs in Node (extension host): writes an export on a worker thread; cancelling stops it and removes its temporary file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AttentionResult } from '../../shared/attentionResult';
import { deserializeError, QkvError, type SerializedError } from '../../shared/errors';
import type { ExportSelection } from '../../shared/exportSchema';
import { resolveSelection, temporaryPathFor, type ExportFormat } from './exportJson';

export interface ExportJob {
  readonly target: string;
  readonly temporary: string;
  readonly result: AttentionResult;
  readonly selection: ExportSelection;
  readonly format: ExportFormat;
}

export type ExportOutcome = { readonly ok: true } | { readonly ok: false; readonly error: SerializedError };

export async function exportInWorker(
  target: string, result: AttentionResult, selection: ExportSelection, signal?: AbortSignal,
  workerScript = path.join(__dirname, 'exportWorker.js'), format: ExportFormat = 'json',
): Promise<void> {
  resolveSelection(result, selection); // a bad selection fails here, before a thread or a file exists
  const job: ExportJob = { target, temporary: temporaryPathFor(target), result, selection, format };
  // The result is copied to the worker (not transferred): the panel keeps showing it meanwhile.
  const worker = new Worker(workerScript, { workerData: job });
  try {
    await new Promise<void>((resolve, reject) => {
      const abort = () => reject(new QkvError('cancelled', 'The export was cancelled.'));
      if (signal?.aborted) abort();
      signal?.addEventListener('abort', abort, { once: true });
      worker.once('message', (outcome: ExportOutcome) => (outcome.ok ? resolve() : reject(deserializeError(outcome.error))));
      worker.once('error', (error) => reject(new QkvError('write-failed', `The export failed: ${error.message}`)));
      worker.once('exit', (code) => reject(new QkvError('write-failed', `The export stopped (exit code ${code}).`)));
    });
  } finally {
    await worker.terminate();
    // Only a cancelled or crashed export can leave its temporary file behind; the target is never half-written.
    await fs.promises.rm(job.temporary, { force: true });
  }
}
