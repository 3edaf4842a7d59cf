// Runs in the webview: what kind of head is on screen, in the four numbers of shared/headStats.ts.
import type { HeadStats } from '../../shared/headStats';
import { el } from '../dom';

export class HeadStatsLine {
  readonly element: HTMLElement;

  constructor() {
    this.element = el('p', { className: 'qkv-note qkv-head-stats' });
  }

  render(stats: HeadStats | undefined, n: number): void {
    this.element.hidden = !stats;
    if (!stats) return;
    const uniform = Math.log(Math.max(n, 1));
    this.element.textContent = 'This head: ' + [
      `previous token ${stats.previousToken.toFixed(3)}`,
      `first token ${stats.firstToken.toFixed(3)}`,
      `self ${stats.self.toFixed(3)}`,
      `entropy ${stats.entropy.toFixed(2)} nats (uniform ${uniform.toFixed(2)})`,
    ].join(' · ');
    this.element.title = 'Mean attention to the previous token, to the first token and to itself, and mean row entropy';
  }
}
