// Runs everywhere: errors meant for the person, with a stable code so callers can react to the kind.

export type QkvErrorCode =
  | 'empty-input'
  | 'too-long'
  | 'unreadable-text'
  | 'conversion-failed'
  | 'model-not-found'
  | 'model-invalid'
  | 'download-failed'
  | 'no-attention'
  | 'cancelled'
  | 'bad-argument'
  | 'write-failed'
  | 'internal';

/** An error whose message is written for the user; anything else is a bug and is reported as one. */
export class QkvError extends Error {
  constructor(readonly code: QkvErrorCode, message: string) {
    super(message);
    this.name = 'QkvError';
  }
}

/** Plain form that survives postMessage / structured clone. */
export interface SerializedError {
  readonly code: QkvErrorCode;
  readonly message: string;
  readonly stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof QkvError) return { code: error.code, message: error.message };
  const e = error instanceof Error ? error : new Error(String(error));
  return { code: 'internal', message: e.message, stack: e.stack };
}

export function deserializeError(error: SerializedError): QkvError {
  const e = new QkvError(error.code, error.message);
  if (error.stack) e.stack = error.stack;
  return e;
}
