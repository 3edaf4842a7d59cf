// Runs in the extension host: one line per message for the output channel — types and sizes, never megabytes of
// numbers — so a bug report carries the conversation.
import type { FromWebview, ToWebview } from '../../shared/protocol';
import { payloadBytes } from './headPayload';

/** One line per message for the log: types and sizes, never megabytes of numbers. */
export function describe(message: ToWebview | FromWebview): string {
  switch (message.type) {
    case 'summary':
    {
      const { summary, show, heads } = message;
      const layerBytes = heads ? `, its layer ${heads.buffer.byteLength} bytes` : '';
      return `summary #${summary.resultId}: ${summary.tokens.length} tokens, ${summary.model.layers}×${summary.model.heads} heads, ` +
        `show L${show.layer} H${show.head}${layerBytes}`;
    }
    case 'head':
      return `head #${message.requestId} L${message.ref.layer} H${message.ref.head}: ${payloadBytes(message.tensors)} bytes`;
    case 'layer':
      return `layer #${message.requestId} L${message.layer}: ${message.probs.byteLength} bytes`;
    case 'layerHeads':
      return `layerHeads #${message.requestId} L${message.layer}: ${message.buffer.byteLength} bytes`;
    case 'translationHeads':
      return `translationHeads #${message.requestId} ${message.kind} L${message.layer}: ${message.buffer.byteLength} bytes`;
    case 'image':
      return `image #${message.requestId} ${message.format}: ${message.data.byteLength} bytes`;
    case 'positions':
      return `positions #${message.requestId}: ` +
        (message.positions ? `${message.positions.source}, ${message.positions.data.byteLength} bytes` : 'none');
    default:
      return JSON.stringify(message);
  }
}
