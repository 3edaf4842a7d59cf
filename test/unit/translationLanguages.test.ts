// How a translator is told what to write, read from the fixtures' own files (generation_config.json, config.json's
// task_specific_params, the tokenizer's language codes) and checked against a person's choice, without running a model.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AutoTokenizer } from '@huggingface/transformers';
import { QkvError } from '../../shared/errors';
import { readLanguages, translationStart, type TranslationLanguages } from '../../src/model/translationLanguages';
import { fixtureDir } from './support';

async function languagesOf(fixture: string): Promise<TranslationLanguages> {
  return readLanguages(fixtureDir(fixture), await AutoTokenizer.from_pretrained(fixtureDir(fixture), { local_files_only: true }));
}

const refuses = (fn: () => unknown, message: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof QkvError && e.code === 'bad-argument' && message.test(e.message));

describe('translation languages', () => {
  it('BART: decoder start </s>, <s> forced first, from generation_config.json; no language to choose', async () => {
    const bart = await languagesOf('tiny-bart-en-fr');
    assert.deepEqual([bart.decoderStartId, bart.forcedBosId, bart.eosIds, bart.codes.size, bart.tasks.length], [2, 0, [2], 0, 0]);
    assert.deepEqual(translationStart(bart, { targetLang: 'fr' }, 'b'),
      { prefix: '', forcedBosId: 0, sourceLangId: null, targetLang: null });
  });

  it('M2M100 and NLLB: the language codes are the tokenizer\'s, each its own token id', async () => {
    const m2m = await languagesOf('tiny-m2m100');
    const nllb = await languagesOf('tiny-nllb');
    assert.deepEqual([...m2m.codes.keys()], ['en', 'fr']);
    assert.deepEqual([...nllb.codes.keys()], ['eng_Latn', 'fra_Latn']);
    assert.deepEqual([...nllb.codes.values()], [...m2m.codes.values()]);
    const start = translationStart(m2m, { targetLang: 'fr', sourceLang: 'en' }, 'm');
    assert.deepEqual(start, { prefix: '', forcedBosId: m2m.codes.get('fr'), sourceLangId: m2m.codes.get('en'), targetLang: 'fr' });
    refuses(() => translationStart(m2m, { targetLang: 'fr', sourceLang: 'de' }, 'm'), /has no source language "de"; it knows en, fr\.$/);
    // NLLB's codes also answer to the two-letter code of their language.
    assert.deepEqual(translationStart(nllb, { targetLang: 'fr', sourceLang: 'en' }, 'n'),
      { prefix: '', forcedBosId: nllb.codes.get('fra_Latn'), sourceLangId: nllb.codes.get('eng_Latn'), targetLang: 'fra_Latn' });
    refuses(() => translationStart(nllb, { targetLang: 'de' }, 'n'), /has no target language "de"; it knows eng_Latn, fra_Latn\.$/);
  });

  it('T5: the task whose target (and source) fit gives the prefix', async () => {
    const t5 = await languagesOf('tiny-t5-en-fr');
    assert.equal(translationStart(t5, { targetLang: 'fr' }, 't').prefix, 'translate English to French: ');
    assert.equal(translationStart(t5, { sourceLang: 'fr' }, 't').prefix, 'translate French to English: ');
    const german = { source: 'de', target: 'fr', prefix: 'translate German to French: ' };
    const three: TranslationLanguages = { ...t5, tasks: [...t5.tasks, german] };
    refuses(() => translationStart(three, { targetLang: 'fr' }, 't'),
      /translates en → fr, fr → en, de → fr: choose the source language with --source-lang\.$/);
    assert.equal(translationStart(three, { targetLang: 'fr', sourceLang: 'de' }, 't').prefix, 'translate German to French: ');
    const one: TranslationLanguages = { ...t5, tasks: t5.tasks.slice(0, 1) };
    assert.equal(translationStart(one, {}, 't').targetLang, 'fr', 'a single task needs no choice');
  });

  it('lists at most 12 codes, then says how many more', () => {
    const codes = new Map(Array.from({ length: 200 }, (_, i) => [`l${String(i).padStart(3, '0')}`, i] as const));
    const many: TranslationLanguages = { codes, tasks: [], prefix: '', forcedBosId: null, decoderStartId: 2, eosIds: [2] };
    refuses(() => translationStart(many, {}, 'x'), /\(l000, l001, .*, l011 and 188 more\)\.$/);
  });
});
