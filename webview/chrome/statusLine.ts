// Runs in the webview: what the host is doing (running, or an error), or that the editor text changed since the
// run (with a "Run again" button). An error or a change leaves the last result on screen.
import type { PanelStatus } from '../../shared/protocol';
import { el } from '../dom';
import * as l10n from '../l10n';

export class StatusLine {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly rerun: HTMLButtonElement;

  constructor(onRerun: () => void) {
    this.text = el('span');
    this.rerun = el('button', {
      className: 'qkv-button qkv-button--small qkv-status__rerun', text: l10n.t('Run again'), attrs: { type: 'button' },
    });
    this.rerun.addEventListener('click', () => onRerun());
    this.element = el('p', { className: 'qkv-status', attrs: { role: 'status', 'aria-live': 'polite' } }, [this.text, this.rerun]);
    this.element.hidden = true;
  }

  render(status: PanelStatus): void {
    this.element.hidden = status.state === 'idle';
    this.element.classList.toggle('qkv-status--error', status.state === 'error');
    this.element.classList.toggle('qkv-status--running', status.state === 'running');
    this.element.classList.toggle('qkv-status--stale', status.state === 'stale');
    this.rerun.hidden = status.state !== 'stale';
    this.text.textContent = status.state === 'error' ? l10n.t('Error: {0}', status.message)
      : status.state === 'idle' ? '' : status.message || l10n.t('Running…');
  }
}
