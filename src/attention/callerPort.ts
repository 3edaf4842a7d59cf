// Runs in the engine (a worker thread or a child process): its one line back to the caller, whichever it is.
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './workerProtocol';

export interface CallerPort {
  /** transfer: buffers a worker thread hands over without copying; a child process copies them anyway. */
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: ToWorker) => void): void;
  /** Ends the engine once its sessions are released. */
  close(): void;
}

export function callerPort(): CallerPort {
  const port = parentPort;
  if (port) {
    return {
      post: (message, transfer) => port.postMessage(message, transfer),
      onMessage: (listener) => port.on('message', listener),
      close: () => port.close(),
    };
  }
  if (!process.send) throw new Error('the attention engine must run in a worker thread or a forked process');
  // The caller went away (the extension host stopped or crashed): nobody will read a result.
  process.on('disconnect', () => process.exit(0));
  return {
    post: (message) => {
      if (process.connected) process.send?.(message);
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as ToWorker)),
    close: () => process.disconnect(),
  };
}
