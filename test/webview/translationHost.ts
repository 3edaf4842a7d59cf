// Test support (Node): the extension host's side of a translator's decoder views, for the webview tests and
// screenshots — the webview's requestTranslationHeads answered by the host's own reply code (tensorReplies.ts)
// from a real engine result, and a click on a cell of the decoder heatmap.
import assert from 'node:assert/strict';
import { tensorReplies } from '../../src/panel/tensorReplies';
import type { AttentionResult } from '../../shared/attentionResult';
import type { DecoderKind, FromWebview } from '../../shared/protocol';
import type { Panel } from './harness';

type TranslationRequest = Extract<FromWebview, { type: 'requestTranslationHeads' }>;

/** Waits for the webview's request for this kind (and layer, when given) and answers it as the extension host does. */
export async function answerKind(
  panel: Panel, result: AttentionResult, resultId: number, kind: DecoderKind, layer?: number,
): Promise<void> {
  const request = await panel.waitForMessage((m) => m.type === 'requestTranslationHeads' && m.kind === kind &&
    (layer === undefined || m.layer === layer), `requestTranslationHeads ${kind} ${layer ?? ''}`) as TranslationRequest;
  const [reply] = tensorReplies(result, resultId, request);
  assert.equal(reply?.type, 'translationHeads');
  const buffer = (reply as { buffer: ArrayBuffer }).buffer;
  await panel.page.evaluate(({ message, base64 }) => {
    window.postMessage({ ...message, buffer: Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer }, '*');
  }, { message: { ...reply, buffer: undefined }, base64: Buffer.from(buffer).toString('base64') });
  await panel.page.waitForFunction(() => document.querySelector<HTMLCanvasElement>('.qkv-translation__canvas')?.dataset.rows !== undefined);
}

/** The centre of a decoder-heatmap cell, in page coordinates. */
async function cellPoint(panel: Panel, row: number, col: number): Promise<{ x: number; y: number }> {
  return panel.page.locator('.qkv-translation__canvas').evaluate((c: HTMLCanvasElement, { row, col }) => {
    const { originX, originY, cell } = c.dataset;
    const rect = c.getBoundingClientRect();
    return { x: rect.left + Number(originX) + (col + 0.5) * Number(cell), y: rect.top + Number(originY) + (row + 0.5) * Number(cell) };
  }, { row, col });
}

export async function clickTranslationCell(panel: Panel, row: number, col: number): Promise<void> {
  const { x, y } = await cellPoint(panel, row, col);
  await panel.page.mouse.click(x, y);
}

export async function hoverTranslationCell(panel: Panel, row: number, col: number): Promise<void> {
  const { x, y } = await cellPoint(panel, row, col);
  await panel.page.mouse.move(x, y);
}
