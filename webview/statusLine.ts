// Runs in the webview: what the host is doing (running, or an error). An error leaves the last result on screen.
import type { PanelStatus } from '../shared/protocol';
import { el } from './dom';
import * as l10n from './l10n';

export class StatusLine {
  readonly element: HTMLElement;

  constructor() {
    this.element = el('p', { className: 'qkv-status', attrs: { role: 'status', 'aria-live': 'polite' } });
    this.element.hidden = true;
  }

  render(status: PanelStatus): void {
    this.element.hidden = status.state === 'idle';
    this.element.classList.toggle('qkv-status--error', status.state === 'error');
    this.element.classList.toggle('qkv-status--running', status.state === 'running');
    this.element.textContent =
      status.state === 'error' ? l10n.t('Error: {0}', status.message) : status.state === 'running' ? status.message || l10n.t('Running…') : '';
  }
}
