// Runs in a worker thread: formats and writes one export (JSON or .npz), so a 500 MB export never stalls the extension host.
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../shared/errors';
import { writeExportFile } from './exportJson';
import type { ExportJob, ExportOutcome } from './exportInWorker';

const job = workerData as ExportJob;
writeExportFile(job.target, job.result, job.selection, job.temporary, job.format).then(
  () => parentPort?.postMessage({ ok: true } satisfies ExportOutcome),
  (error: unknown) => parentPort?.postMessage({ ok: false, error: serializeError(error) } satisfies ExportOutcome),
);
