// The embedded model as shipped, through the engine a user's run takes: it reads a 300-word paragraph, fits the
// repository's size budget, and its heads show the structure its model card claims, measured here on its own
// attention (the card's figures come from tools/measure_embedded.py, on held-out text; these are independent checks).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { AttentionEngine } from '../../src/attention/attentionEngine';
import { embeddedModelDir } from '../../src/model/packageRoot';
import type { AttentionResult } from '../../shared/attentionResult';

const engine = new AttentionEngine();
after(() => engine.dispose());

/** About 300 words of ordinary English prose, written for this test. */
const PARAGRAPH = [
  'Every morning the baker on the corner opens her shop a little before six, when the street is still dark and the',
  'only sound is the hum of the ovens. She has done this for twenty years, and she says the bread tells her how the',
  'day will go. If the crust cracks the way it should, the customers are kind and the coffee machine behaves. If it',
  'does not, she expects a long day, and she is usually right. People come for the bread, but they stay for the',
  'conversation. An old teacher who lives upstairs reads the newspaper aloud to anyone who will listen, and a young',
  'nurse coming home from the night shift buys two croissants, one for herself and one for her neighbour, who has',
  'been ill since the winter. Children on their way to school press their faces against the window and argue about',
  'which cake is the biggest. The baker pretends not to see them, then gives each of them a small biscuit when their',
  'parents are not looking. In the afternoon the shop is quiet. She cleans the counters, writes the orders for the',
  'next day and listens to the radio. Sometimes a tourist walks in, lost, holding a map upside down, and she draws',
  'the way to the station on a paper bag. Once, a man asked her whether she ever wanted to do something else. She',
  'thought about it for a long time while she wrapped his loaf. Then she said that she had travelled, that she had',
  'studied, that she had even worked in an office for a year, and that none of it had smelled as good as this. He',
  'laughed, paid, and came back the next morning, and the morning after that. Now he is the one who opens the door',
  'for the early customers, and he still has not learned to make a decent loaf, but the crust cracks the way it',
  'should, and nobody minds.',
].join(' ');

const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Mean attention from token i to token i − 1 (i ≥ 1), for every head: the previous-token score. */
function previousTokenScores(result: AttentionResult): number[] {
  const n = result.tokens.length;
  return result.layers.flatMap((layer) => {
    const heads = layer.probs.length / (n * n);
    return Array.from({ length: heads }, (_, h) => {
      let sum = 0;
      for (let i = 1; i < n; i++) sum += layer.probs[h * n * n + i * n + i - 1];
      return sum / (n - 1);
    });
  });
}

describe('the embedded model', () => {
  it('reads a 300-word paragraph: every row of every head sums to 1', async () => {
    assert.ok(words(PARAGRAPH) >= 300, `${words(PARAGRAPH)} words`);
    const result = await engine.run({ text: PARAGRAPH, model: 'embedded', maxTokens: 2048 });
    const n = result.tokens.length;
    assert.ok(n > 300, `${n} tokens`);
    for (const layer of result.layers) {
      for (let row = 0; row < layer.probs.length / n; row++) {
        const sum = layer.probs.subarray(row * n, (row + 1) * n).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-4, `row ${row} sums to ${sum}`);
      }
    }
  });

  it('has at least 1,024 positions and fits in 24 MB', () => {
    const config = JSON.parse(fs.readFileSync(path.join(embeddedModelDir(), 'config.json'), 'utf8')) as { n_positions: number };
    assert.ok(config.n_positions >= 1024, `n_positions ${config.n_positions}`);
    const bytes = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true })
      .reduce((sum, entry) => {
        const file = path.join(dir, entry.name);
        return sum + (entry.isDirectory() ? bytes(file) : fs.statSync(file).size);
      }, 0);
    const total = bytes(embeddedModelDir());
    assert.ok(total <= 24 * 2 ** 20, `${(total / 2 ** 20).toFixed(1)} MiB`);
  });

  it('has a previous-token head (score ≥ 0.5) on ordinary sentences', async () => {
    // Sentences, as the card measures it (held-out documents of at most 64 tokens): averaged over all of them.
    const sentences = PARAGRAPH.split(/(?<=\.) /).slice(0, 12);
    const results = await Promise.all(sentences.map((text) => engine.run({ text, model: 'embedded', maxTokens: 2048 })));
    const perHead = results.map(previousTokenScores);
    const mean = perHead[0].map((_, head) => perHead.reduce((sum, scores) => sum + scores[head], 0) / perHead.length);
    const best = Math.max(...mean);
    assert.ok(best >= 0.5, `best previous-token score ${best.toFixed(3)}`);
  });

  it('has an induction head (score ≥ 0.3) on a repeated sequence of words', async () => {
    // 40 words in a fixed shuffled order, twice: the second copy's token i should look at the token after its first copy.
    const vocabulary = PARAGRAPH.toLowerCase().replace(/[^a-z ]/g, '').split(' ').filter((w, i, all) => w.length > 3 && all.indexOf(w) === i);
    const picked = vocabulary.filter((_, i) => i % 3 === 0).slice(0, 40);
    const copy = picked.map((w) => ` ${w}`).join('');
    const result = await engine.run({ text: `${copy}${copy}`, model: 'embedded', maxTokens: 2048 });
    const n = result.tokens.length;
    assert.equal(n % 2, 0, 'both copies tokenize alike');
    const T = n / 2;
    const scores = result.layers.flatMap((layer) => Array.from({ length: layer.probs.length / (n * n) }, (_, h) => {
      let sum = 0;
      for (let j = 0; j < T - 1; j++) sum += layer.probs[h * n * n + (T + j) * n + j + 1];
      return sum / (T - 1);
    }));
    const best = Math.max(...scores);
    assert.ok(best >= 0.3, `best induction score ${best.toFixed(3)}`);
  });
});
