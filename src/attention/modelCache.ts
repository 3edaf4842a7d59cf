// Runs in the engine worker (Node): the loaded models, least recently used first out. Each model holds an
// onnxruntime session (tens of MB to GB of native memory), so only a few are kept; an evicted one is released.
// Runs go one at a time, so a model is never evicted while a run uses it.
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { LoadedModel } from '../model/loadModel';
import type { LoadedTranslator } from '../model/loadTranslator';

/** What the cache holds: a model with one session, or a translator with an encoder and a decoder. */
export type LoadedAny = LoadedModel | LoadedTranslator;

function sessionsOf(model: LoadedAny): ort.InferenceSession[] {
  return 'session' in model ? [model.session] : [model.encoder.session, model.decoder.session];
}

/** Models kept loaded: enough to switch back and forth between two or three without reloading. */
export const MODELS_KEPT = 3;

export class ModelCache {
  /** Insertion order is use order: the first key is the least recently used. */
  private readonly models = new Map<string, Promise<LoadedAny>>();

  constructor(private readonly capacity = MODELS_KEPT) {}

  get size(): number {
    return this.models.size;
  }

  /** True when a model from this folder is loaded (keys are graph paths inside their folder). */
  holdsFolder(dir: string): boolean {
    return [...this.models.keys()].some((key) => key.startsWith(dir + path.sep));
  }

  /**
   * The model for `key`, loading it when absent; a model that fails to load is not kept, so a retry loads again.
   * A key always names one kind of model (callers use the graph path of a plain model, "translator:" + it otherwise).
   */
  async get<T extends LoadedAny>(key: string, load: () => Promise<T>): Promise<T> {
    let model = this.models.get(key);
    if (model) {
      this.models.delete(key);
    } else {
      await this.evictDownTo(this.capacity - 1);
      model = load();
      model.catch(() => this.models.get(key) === model && this.models.delete(key));
    }
    this.models.set(key, model);
    return model as Promise<T>;
  }

  /** Releases every session; the cache can be used again afterwards. */
  async clear(): Promise<void> {
    await this.evictDownTo(0);
  }

  private async evictDownTo(count: number): Promise<void> {
    while (this.models.size > count) {
      const [key, model] = this.models.entries().next().value as [string, Promise<LoadedAny>];
      this.models.delete(key);
      await releaseModel(model);
    }
  }
}

async function releaseModel(model: Promise<LoadedAny>): Promise<void> {
  const loaded = await model.catch(() => undefined);
  if (!loaded) return;
  for (const session of sessionsOf(loaded)) await session.release().catch(() => undefined);
}
