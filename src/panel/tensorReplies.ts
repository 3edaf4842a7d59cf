// Runs in the extension host: the answers to the webview's requests for tensors — a head, every head of some
// layers (ahead of time), every head's attention of some layers (the grid), the position vectors — from the host's
// copy of the result. A request for a result that was replaced, or for a layer or head that does not exist, gets
// nothing.
import type { AttentionResult } from '../../shared/attentionResult';
import type { FromWebview, ToWebview } from '../../shared/protocol';
import { headTensors } from './headPayload';
import { layerHeadsBuffer, layerProbs, positionsPayload, translationHeadsBuffer } from './layerPayload';

type TensorRequest = Extract<FromWebview,
  { type: 'requestHead' | 'requestLayerHeads' | 'requestLayers' | 'requestPositions' | 'requestTranslationHeads' }>;

export function tensorReplies(result: AttentionResult, resultId: number, message: TensorRequest): ToWebview[] {
  if (message.resultId !== resultId) return [];
  const { requestId } = message;
  const layersOf = (layers: readonly number[]) => [...new Set(layers)].filter((layer) => layer < result.model.layers);
  switch (message.type) {
    case 'requestHead': {
      const { layer, head } = message.ref;
      if (layer >= result.model.layers || head >= result.model.heads) return [];
      return [{ type: 'head', requestId, resultId, ref: message.ref, tensors: headTensors(result, message.ref) }];
    }
    case 'requestLayerHeads':
      return layersOf(message.layers).map((layer) => ({ type: 'layerHeads', requestId, resultId, layer,
        buffer: layerHeadsBuffer(result, layer) }));
    case 'requestLayers':
      return layersOf(message.layers).map((layer) => ({ type: 'layer', requestId, resultId, layer, probs: layerProbs(result, layer) }));
    case 'requestTranslationHeads': {
      const buffer = translationHeadsBuffer(result, message.kind, message.layer);
      return buffer ? [{ type: 'translationHeads', requestId, resultId, kind: message.kind, layer: message.layer, buffer }] : [];
    }
    case 'requestPositions':
      return [{ type: 'positions', requestId, resultId, positions: positionsPayload(result) }];
  }
}
