// The webview's pure pieces, without a browser: the colour mapping the heatmap and its tests share, and how
// the layer and head controls step and wrap.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ModelFacts } from '../../shared/attentionResult';
import { clampRef, describeRef, stepRef } from '../../webview/headRef';
import { heatColor, type Rgb } from '../../webview/canvas/heatColor';

const low: Rgb = [31, 31, 31];
const high: Rgb = [55, 148, 255];

describe('heatColor', () => {
  it('maps 0 to the low colour and the maximum to the high colour, linearly between', () => {
    assert.deepEqual(heatColor(0, 0.5, low, high), low);
    assert.deepEqual(heatColor(0.5, 0.5, low, high), high);
    assert.deepEqual(heatColor(0.25, 0.5, low, high), [43, 90, 143]);
    assert.deepEqual(heatColor(0.5, 1, [0, 0, 0], [255, 255, 255]), [128, 128, 128]);
  });

  it('clamps values above the maximum, and treats negatives, NaN and an empty scale as 0', () => {
    assert.deepEqual(heatColor(1, 0.5, low, high), high);
    assert.deepEqual(heatColor(-0.1, 1, low, high), low);
    assert.deepEqual(heatColor(Number.NaN, 1, low, high), low);
    assert.deepEqual(heatColor(0.3, 0, low, high), low);
  });
});

describe('layer and head stepping', () => {
  const model = { layers: 12, heads: 12 } as ModelFacts;

  it('counts from 1 for people', () => {
    assert.equal(describeRef({ layer: 2, head: 4 }, model), 'Layer 3 / 12 · Head 5 / 12');
  });

  it('wraps both axes at both ends', () => {
    assert.deepEqual(stepRef({ layer: 0, head: 0 }, model, 'head', -1), { layer: 0, head: 11 });
    assert.deepEqual(stepRef({ layer: 0, head: 11 }, model, 'head', +1), { layer: 0, head: 0 });
    assert.deepEqual(stepRef({ layer: 11, head: 3 }, model, 'layer', +1), { layer: 0, head: 3 });
    assert.deepEqual(stepRef({ layer: 0, head: 3 }, model, 'layer', -1), { layer: 11, head: 3 });
  });

  it('clamps a head the model does not have', () => {
    assert.deepEqual(clampRef({ layer: 40, head: 12 }, model), { layer: 11, head: 11 });
  });
});
