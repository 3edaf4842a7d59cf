// Runs in the webview: the view tabs (Heatmap, Step by step, What if, All heads, Positions) as an ARIA tablist.
// Arrow keys, Home and End move between tabs (and stay inside the tablist, so they do not switch heads); only the
// selected tab is in the Tab order, and each panel is labelled by its tab.
import { el } from '../dom';
import type { ViewTab } from '../state';

export interface TabSpec {
  readonly id: ViewTab;
  readonly label: string;
  /** What the view answers, as the tab's tooltip. */
  readonly hint: string;
}

export const TABS: readonly TabSpec[] = [
  { id: 'heatmap', label: 'Heatmap', hint: 'The attention of the current head: who looks at whom' },
  { id: 'step', label: 'Step by step', hint: 'One cell taken apart: q·k, ÷√d, mask, softmax, and the head output' },
  { id: 'whatif', label: 'What if', hint: 'Change the formula for this head and see what happens' },
  { id: 'heads', label: 'All heads', hint: 'Every layer and head at once, their statistics, and the head view' },
  { id: 'positions', label: 'Positions', hint: 'Sinusoidal and learned position embeddings, and their similarity' },
];

export class TabBar {
  readonly element: HTMLElement;
  private readonly buttons = new Map<ViewTab, HTMLButtonElement>();
  private readonly panels = new Map<ViewTab, HTMLElement>();

  constructor(panels: Readonly<Record<ViewTab, HTMLElement>>, private readonly select: (tab: ViewTab) => void) {
    this.element = el('div', { className: 'qkv-tabs', attrs: { role: 'tablist', 'aria-label': 'Views' } });
    for (const spec of TABS) {
      const button = el('button', {
        className: 'qkv-tab',
        text: spec.label,
        attrs: { type: 'button', role: 'tab', id: `qkv-tab-${spec.id}`, 'aria-controls': `qkv-panel-${spec.id}`, title: spec.hint },
      });
      button.addEventListener('click', () => select(spec.id));
      this.buttons.set(spec.id, button);
      this.element.append(button);
      const panel = panels[spec.id];
      panel.id = `qkv-panel-${spec.id}`;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', `qkv-tab-${spec.id}`);
      panel.classList.add('qkv-tabpanel');
      this.panels.set(spec.id, panel);
    }
    this.element.addEventListener('keydown', (event) => this.key(event));
  }

  render(tab: ViewTab): void {
    for (const [id, button] of this.buttons) {
      const selected = id === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      button.classList.toggle('is-selected', selected);
      this.panels.get(id)!.hidden = !selected;
    }
  }

  private key(event: KeyboardEvent): void {
    const ids = TABS.map((t) => t.id);
    const current = ids.findIndex((id) => this.buttons.get(id) === document.activeElement);
    if (current < 0) return;
    const target =
      event.key === 'ArrowRight' ? (current + 1) % ids.length
        : event.key === 'ArrowLeft' ? (current + ids.length - 1) % ids.length
          : event.key === 'Home' ? 0
            : event.key === 'End' ? ids.length - 1
              : -1;
    if (target < 0) return;
    event.preventDefault();
    event.stopPropagation(); // the arrows belong to the tablist here, not to the head switcher
    this.select(ids[target]);
    this.buttons.get(ids[target])!.focus();
  }
}
