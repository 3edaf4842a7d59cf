// Runs in Node: "the newest request wins". Starting a run aborts the one in flight, so a slow
// earlier run can never overwrite the result of a later one.
import type { AttentionResult } from '../../shared/attentionResult';
import type { AttentionEngine, RunOptions, RunRequest } from './attentionEngine';

export class LatestRun {
  private current: AbortController | undefined;

  constructor(private readonly engine: AttentionEngine) {}

  /** Runs the request after cancelling any earlier one; `signal` cancels this one too. */
  run(request: RunRequest, options: RunOptions = {}): Promise<AttentionResult> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    return this.engine.run(request, { ...options, signal: controller.signal }).finally(() => {
      if (this.current === controller) this.current = undefined;
    });
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** The engine's heap and resident size (benchmarks). */
  memory(): ReturnType<AttentionEngine['memory']> {
    return this.engine.memory();
  }

  cancel(): void {
    this.current?.abort();
  }
}
