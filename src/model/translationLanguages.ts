// Runs in the engine worker (Node): how an encoder–decoder model is told what to write, as transformers.js tells it.
// Three ways exist: a multilingual tokenizer's language codes (M2M100 "__fr__", NLLB "fra_Latn"), whose target code is
// forced as the first generated token and whose source code opens the source; T5's task prefixes
// ("translate English to French: ", config.json task_specific_params) put before the text; or nothing to choose
// (Marian, BART), where generation_config.json may still force a first token (BART's <s>, forced_bos_token_id).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { QkvError } from '../../shared/errors';

/** A T5-style translation task: `translation_en_to_fr` with its prefix. */
interface PrefixTask {
  readonly source: string;
  readonly target: string;
  readonly prefix: string;
}

export interface TranslationLanguages {
  /** Language code → its token id, for tokenizers that translate into several languages; empty otherwise. */
  readonly codes: ReadonlyMap<string, number>;
  readonly tasks: readonly PrefixTask[];
  /** config.json `prefix`, put before every text; '' when none. */
  readonly prefix: string;
  /** The first generated token when the model fixes it (forced_bos_token_id); null when none. */
  readonly forcedBosId: number | null;
  /** generation_config.json's decoder start and end tokens (they win over config.json's, as in transformers.js). */
  readonly decoderStartId: number | null;
  readonly eosIds: readonly number[];
}

/** What the person asked for: --target-lang and --source-lang (a language code, or a T5 task's language). */
export interface LanguageChoice {
  readonly targetLang?: string;
  readonly sourceLang?: string;
}

/** What one run starts from, once the choice is checked against the model. */
export interface TranslationStart {
  readonly prefix: string;
  readonly forcedBosId: number | null;
  /** Put in place of the tokenizer's default source-language token. */
  readonly sourceLangId: number | null;
  readonly targetLang: string | null;
}

type Raw = Readonly<Record<string, unknown>>;

/** The multilingual tokenizers of transformers.js (M2M100Tokenizer, NllbTokenizer, MBart…) carry these two. */
interface MultilingualTokenizer {
  readonly language_codes: readonly string[];
  readonly lang_to_token: (code: string) => string;
}

function isMultilingual(tokenizer: unknown): tokenizer is MultilingualTokenizer {
  const t = tokenizer as Partial<MultilingualTokenizer>;
  return Array.isArray(t.language_codes) && typeof t.lang_to_token === 'function';
}

export function readLanguages(dir: string, tokenizer: PreTrainedTokenizer): TranslationLanguages {
  const config = readObject(path.join(dir, 'config.json'));
  const generation = readObject(path.join(dir, 'generation_config.json'));
  const numberOf = (key: string): number | null => {
    const value = generation[key] ?? config[key];
    return typeof value === 'number' && Number.isInteger(value) ? value : null;
  };
  const codes = new Map<string, number>();
  if (isMultilingual(tokenizer)) {
    for (const code of tokenizer.language_codes) {
      const id = tokenizer._tokenizer.token_to_id(tokenizer.lang_to_token(code));
      if (typeof id === 'number') codes.set(code, id);
    }
  }
  const eos = generation.eos_token_id ?? config.eos_token_id;
  return {
    codes,
    tasks: prefixTasks(config.task_specific_params),
    prefix: typeof config.prefix === 'string' ? config.prefix : '',
    forcedBosId: numberOf('forced_bos_token_id'),
    decoderStartId: numberOf('decoder_start_token_id'),
    eosIds: (Array.isArray(eos) ? eos : [eos]).filter((x): x is number => typeof x === 'number' && Number.isInteger(x)),
  };
}

/** task_specific_params entries named translation_<source>_to_<target> that carry a prefix. */
function prefixTasks(params: unknown): PrefixTask[] {
  if (typeof params !== 'object' || params === null) return [];
  return Object.entries(params as Raw).flatMap(([name, value]) => {
    const match = /^translation_([A-Za-z-]+)_to_([A-Za-z-]+)$/.exec(name);
    const prefix = (value as Raw | null)?.prefix;
    return match && typeof prefix === 'string' ? [{ source: match[1], target: match[2], prefix }] : [];
  });
}

/** Checks the choice against what the model offers; one sentence naming the choices when it is missing or unknown. */
export function translationStart(languages: TranslationLanguages, choice: LanguageChoice, modelId: string): TranslationStart {
  const label = `Model "${modelId}"`;
  if (languages.codes.size > 0) {
    const known = [...languages.codes.keys()];
    if (choice.targetLang === undefined) throw new QkvError('bad-argument',
      `${label} translates into several languages: choose one with --target-lang or the qkvScope.targetLanguage setting ` +
      `(${listed(known)}).`);
    const codeOf = (asked: string, what: string): string => {
      const code = languages.codes.has(asked) ? asked : floresCode(asked, known);
      if (code === undefined) throw new QkvError('bad-argument', `${label} has no ${what} language "${asked}"; it knows ${listed(known)}.`);
      return code;
    };
    const target = codeOf(choice.targetLang, 'target');
    const source = choice.sourceLang === undefined ? undefined : codeOf(choice.sourceLang, 'source');
    return { prefix: languages.prefix, forcedBosId: languages.codes.get(target)!,
      sourceLangId: source === undefined ? null : languages.codes.get(source)!, targetLang: target };
  }
  if (languages.tasks.length > 0) {
    const task = pickTask(languages.tasks, choice, label);
    return { prefix: task.prefix, forcedBosId: languages.forcedBosId, sourceLangId: null, targetLang: task.target };
  }
  return { prefix: languages.prefix, forcedBosId: languages.forcedBosId, sourceLangId: null, targetLang: null };
}

function pickTask(tasks: readonly PrefixTask[], choice: LanguageChoice, label: string): PrefixTask {
  const fits = tasks.filter((t) => (choice.targetLang === undefined || t.target === choice.targetLang) &&
    (choice.sourceLang === undefined || t.source === choice.sourceLang));
  if (fits.length === 1) return fits[0];
  const pairs = listed(tasks.map((t) => `${t.source} → ${t.target}`));
  if (fits.length === 0) throw new QkvError('bad-argument',
    `${label} has no translation task for ${choice.sourceLang ?? 'any language'} → ${choice.targetLang ?? 'any language'}; ` +
    `it knows ${pairs}.`);
  throw new QkvError('bad-argument', choice.targetLang === undefined
    ? `${label} translates ${pairs}: choose one with --target-lang or the qkvScope.targetLanguage setting.`
    : `${label} translates ${pairs}: choose the source language with --source-lang.`);
}

/** ISO 639-1 → the ISO 639-3 code FLORES-200 (NLLB) names the language by, for the languages most asked for. */
const ISO_639_3: Readonly<Record<string, string>> = {
  en: 'eng', fr: 'fra', de: 'deu', es: 'spa', it: 'ita', pt: 'por', nl: 'nld', ru: 'rus', ja: 'jpn', ko: 'kor', zh: 'zho',
  ar: 'arb', pl: 'pol', tr: 'tur', uk: 'ukr', sv: 'swe', da: 'dan', fi: 'fin', el: 'ell', cs: 'ces', ro: 'ron', hu: 'hun',
  he: 'heb', hi: 'hin', vi: 'vie', id: 'ind', th: 'tha', ca: 'cat', eu: 'eus', oc: 'oci',
};

/** "fr" → "fra_Latn" when the model names languages as NLLB does and exactly one script of that language is known. */
function floresCode(asked: string, known: readonly string[]): string | undefined {
  const iso3 = ISO_639_3[asked];
  const matches = iso3 === undefined ? [] : known.filter((code) => code.startsWith(`${iso3}_`));
  return matches.length === 1 ? matches[0] : undefined;
}

/** "en, fr" or "aa, ab, … and 190 more". */
function listed(items: readonly string[]): string {
  return items.length <= 12 ? items.join(', ') : `${items.slice(0, 12).join(', ')} and ${items.length - 12} more`;
}

/** A JSON object from a file the folder may lack (generation_config.json); {} when absent or not an object. */
function readObject(file: string): Raw {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Raw) : {};
  } catch {
    return {};
  }
}
