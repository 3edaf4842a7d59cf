// Runs in Node on the caller's side of the engine: how the engine is started and talked to.
// 'thread' runs it in a worker thread of this process (the CLI: one short-lived process, and the fastest hand-over
// of large results, which are transferred, not copied). 'process' runs it in a child Node process (the extension
// host): a crash inside onnxruntime cannot take the extension host down, and the memory glibc keeps after each
// forward pass is the child's, started with an allocator setting that hands large blocks back to the system.
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './workerProtocol';

export type EngineIsolation = 'thread' | 'process';

export interface EngineChannel {
  send(message: ToWorker): void;
}

export interface ChannelEvents {
  message(message: FromWorker): void;
  /** The engine stopped: asked to (after 'shutdown'), or not. */
  exit(reason: string): void;
}

/**
 * Blocks of 128 KiB and more come straight from mmap and go back to the system when freed. With glibc's default
 * (a threshold that rises up to 32 MiB as large blocks are freed) the tensors of each forward pass land in the
 * heap arenas, and the resident size keeps growing over hundreds of runs (npm run bench:soak).
 */
const ALLOCATOR_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' };

export function openEngineChannel(script: string, isolation: EngineIsolation, events: ChannelEvents): EngineChannel {
  return isolation === 'process' ? childProcessChannel(script, events) : threadChannel(script, events);
}

function threadChannel(script: string, events: ChannelEvents): EngineChannel {
  const worker = new Worker(script);
  worker.on('message', events.message);
  worker.on('error', (error) => events.exit(error.message));
  worker.on('exit', (code) => events.exit(`the engine worker exited with code ${code}`));
  return { send: (message) => worker.postMessage(message) };
}

function childProcessChannel(script: string, events: ChannelEvents): EngineChannel {
  const child = fork(script, [], {
    // In VS Code's Electron, process.execPath is Electron: ELECTRON_RUN_AS_NODE makes it plain Node.
    env: { ...process.env, ...ALLOCATOR_ENV, ELECTRON_RUN_AS_NODE: '1' },
    // Typed arrays cross as typed arrays (structured clone), not as JSON objects of numbers.
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  // The last lines the engine wrote to stderr (a native abort says why there) name the cause when it dies.
  let stderrTail = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderrTail = (stderrTail + chunk).slice(-2000)));
  child.on('message', (message) => events.message(message as FromWorker));
  child.on('error', (error) => events.exit(error.message));
  child.on('exit', (code, signal) => {
    const last = stderrTail.trim().split('\n').pop();
    events.exit(`the engine process exited with ${signal ?? `code ${code}`}${last ? ` (${last})` : ''}`);
  });
  return {
    send: (message) => {
      if (child.connected) child.send(message);
    },
  };
}
