// Runs in the webview: what the host is doing (running, or an error). An error leaves the last result on screen.
import type { PanelStatus } from '../../shared/protocol';
import { el } from '../dom';

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
      status.state === 'error' ? `Error: ${status.message}` : status.state === 'running' ? status.message || 'Running…' : '';
  }
}
