// Runs in the engine worker (Node): is a downloaded file what its name says? A captive portal or a misconfigured
// mirror answers 200 with a web page; saved as config.json or model.onnx it would break every later run.
import * as fs from 'node:fs';
import { QkvError } from '../../../shared/errors';

/** Refuses a response that declares itself a web page before a byte is saved. */
export function checkContentType(file: string, url: string, contentType: string | null): void {
  if (contentType && /^\s*text\/html\b/i.test(contentType)) {
    throw new QkvError('download-failed',
      `The download of ${file} failed: ${new URL(url).origin} answered with a web page (${contentType.split(';')[0]}), not the file. ` +
      'Check the hub endpoint (qkvScope.hubEndpoint, --hub-endpoint, HF_ENDPOINT) or the network (a login page?).');
  }
}

/** ModelProto's fields and their protobuf wire types (0 varint, 2 length-delimited): what its first tag may be. */
const MODEL_PROTO_FIRST_TAGS = new Set([
  (1 << 3) | 0, (2 << 3) | 2, (3 << 3) | 2, (4 << 3) | 2, (5 << 3) | 0, (6 << 3) | 2, (7 << 3) | 2, (8 << 3) | 2,
]);

/** Checks a finished download before it is renamed into the cache: JSON parses, ONNX starts like a ModelProto. */
export async function checkDownloadedFile(file: string, partial: string): Promise<void> {
  if (file.endsWith('.json')) {
    try {
      const value: unknown = JSON.parse(await fs.promises.readFile(partial, 'utf8'));
      if (value === null || typeof value !== 'object') throw new Error('not a JSON object');
    } catch (error) {
      throw new QkvError('download-failed',
        `The server sent something that is not ${file} (${(error as Error).message.split('\n')[0]}). Nothing was saved; ` +
        `check the hub endpoint.`);
    }
    return;
  }
  if (file.endsWith('.onnx')) {
    const handle = await fs.promises.open(partial, 'r');
    const head = Buffer.alloc(2);
    try {
      await handle.read(head, 0, 2, 0);
    } finally {
      await handle.close();
    }
    if (!MODEL_PROTO_FIRST_TAGS.has(head[0])) {
      throw new QkvError('download-failed',
        `The server sent something that is not an ONNX model for ${file}. Nothing was saved; check the hub endpoint.`);
    }
  }
}
