// Runs in the webview: what kind of head is on screen, in the four numbers of shared/headStats.ts.
import type { HeadStats } from '../../shared/headStats';
import { el } from '../dom';
import * as l10n from '../l10n';

export class HeadStatsLine {
  readonly element: HTMLElement;

  constructor() {
    this.element = el('p', { className: 'qkv-note qkv-head-stats' });
  }

  render(stats: HeadStats | undefined, n: number): void {
    this.element.hidden = !stats;
    if (!stats) return;
    const uniform = Math.log(Math.max(n, 1));
    this.element.textContent = l10n.t('This head: ') + [
      l10n.t('previous token {0}', stats.previousToken.toFixed(3)),
      l10n.t('first token {0}', stats.firstToken.toFixed(3)),
      l10n.t('self {0}', stats.self.toFixed(3)),
      l10n.t('entropy {0} nats (uniform {1})', stats.entropy.toFixed(2), uniform.toFixed(2)),
    ].join(' · ');
    this.element.title = l10n.t('Mean attention to the previous token, to the first token and to itself, and mean row entropy');
  }
}
