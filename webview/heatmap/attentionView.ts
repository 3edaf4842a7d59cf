// Runs in the webview: the attention section — legend, hover readout, heatmap and head statistics — kept in step
// with the panel state. It repaints when the head, the scale, the theme or the width changes. Clicking a cell
// picks its query and key and opens the step-by-step card; a click the host asked for is done once that head is
// painted.
import { argmax } from '../../shared/attentionMath';
import type { ResultSummary } from '../../shared/protocol';
import { el } from '../dom';
import type { HeadData } from '../headCache';
import { describeRef, sameRef } from '../headRef';
import { CellCursor } from './cellCursor';
import { FIRST_BLOCK, headTable, type TableBlock } from './headTable';
import { Heatmap, type HoveredCell } from './heatmap';
import { HeadStatsLine } from './headStatsLine';
import { Legend } from '../chrome/legend';
import { Readout } from '../chrome/readout';
import { markStages } from '../chrome/stages';
import type { PanelState, PendingClick, ScaleMode } from '../state';
import * as l10n from '../l10n';

export interface AttentionViewEvents {
  setScale(scale: ScaleMode): void;
  /** The pointer is over a cell (or left the grid). */
  hover(cell: HoveredCell | undefined): void;
  /** This head is now on screen. */
  painted(head: HeadData): void;
  /** A cell was clicked: query row, key column. */
  pickCell(row: number, col: number): void;
  /** A row label (query) or column label (key) was clicked. */
  pickLabel(axis: 'row' | 'column', index: number): void;
  /** The click the host asked for was done. */
  clicked(): void;
}

export class AttentionView {
  readonly element: HTMLElement;
  private readonly heatmap: Heatmap;
  private readonly legend: Legend;
  private readonly readout = new Readout();
  private readonly stats = new HeadStatsLine();
  private readonly axes: HTMLElement;
  private readonly cursor: CellCursor;
  private readonly tableToggle: HTMLButtonElement;
  private readonly tableSlot: HTMLElement;
  private tableShown = false;
  /** The block of a large head the table shows. */
  private tableBlock: TableBlock = FIRST_BLOCK;
  private state: PanelState | undefined;
  private paintedWidth = 0;
  /** The host's click already on its way, so it is done once. */
  private clicking: PendingClick | undefined;

  constructor(private readonly events: AttentionViewEvents) {
    this.heatmap = new Heatmap(
      (cell) => this.hover(cell),
      (row, col) => events.pickCell(row, col),
      (axis, index) => events.pickLabel(axis, index),
    );
    this.legend = new Legend((scale) => events.setScale(scale));
    this.axes = el('span', { className: 'qkv-visually-hidden' });
    this.legend.note(this.axes);
    const announcer = el('p', {
      className: 'qkv-visually-hidden qkv-heatmap__announce', attrs: { 'aria-live': 'polite', 'aria-atomic': 'true' },
    });
    this.cursor = new CellCursor(this.heatmap, (row, col) => this.cellText(row, col), announcer, (row, col) => events.pickCell(row, col));
    this.tableToggle = el('button', {
      className: 'qkv-button qkv-button--secondary qkv-button--small',
      text: l10n.t('Table'),
      attrs: { type: 'button', 'aria-pressed': 'false', title: l10n.t('Show this head as a table of values instead of the heatmap') },
    });
    this.tableToggle.addEventListener('click', () => {
      this.tableShown = !this.tableShown;
      this.repaint();
    });
    this.legend.addControl(this.tableToggle);
    this.tableSlot = el('div');
    // The tab already names the section: its heading is for screen readers, so the cells start higher.
    this.element = markStages(el('section', { className: 'qkv-attention', attrs: { 'aria-labelledby': 'qkv-attention-title' } }, [
      el('h2', { className: 'qkv-visually-hidden', text: l10n.t('Attention'), attrs: { id: 'qkv-attention-title' } }),
      this.legend.element,
      this.readout.element,
      announcer,
      this.heatmap.element,
      this.tableSlot,
      this.stats.element,
    ]), 'softmax');
    new ResizeObserver(() => {
      if (this.heatmap.availableWidth !== this.paintedWidth) this.repaint();
    }).observe(this.heatmap.element);
  }

  render(state: PanelState, previous: PanelState): void {
    this.state = state;
    const { summary, shown } = state;
    if (!summary) return;
    if (summary !== previous.summary) {
      this.tableBlock = FIRST_BLOCK;
      // The canvas names its axes (key →, query ↓) and the legend shows the masked swatch: this is for screen readers.
      this.axes.textContent = ` ${summary.model.causal
        ? l10n.t('rows: queries · columns: keys · masked above the diagonal: a causal model never looks ahead')
        : l10n.t('rows: queries · columns: keys')}`;
    }
    this.stats.render(summary.stats[state.ref.layer]?.[state.ref.head], summary.tokens.length);
    const current = shown?.resultId === summary.resultId ? shown : undefined;
    this.element.classList.toggle('is-loading', !current || !sameRef(current.ref, state.ref));
    if (!current) {
      this.heatmap.clear();
      this.readout.hint(`Loading ${describeRef(state.ref, summary.model)}…`);
      return;
    }
    const changed =
      current !== previous.shown || summary !== previous.summary || state.scale !== previous.scale || state.palette !== previous.palette;
    if (changed) this.paint(summary, current);
    this.heatmap.markPicked(state.query, state.key);
    if (state.query !== undefined && state.key !== undefined) this.cursor.place(state.query, state.key);
    this.doPendingClick(state);
  }

  /** The host asked for a click on a cell of a head: do it once that head is painted and visible. */
  private doPendingClick(state: PanelState): void {
    const { click, tab } = state;
    const painted = this.heatmap.paintedHead;
    if (!click || click === this.clicking || tab !== 'heatmap' || !painted) return;
    if (!sameRef(painted.ref, click.ref) || painted.resultId !== state.summary?.resultId) return;
    this.clicking = click;
    // After this update has reached every view: the click starts a new one.
    queueMicrotask(() => {
      this.events.clicked();
      this.heatmap.clickCell(click.row, click.col);
    });
  }

  private repaint(): void {
    const { summary, shown } = this.state ?? {};
    if (summary && shown?.resultId === summary.resultId) this.paint(summary, shown);
  }

  private paint(summary: ResultSummary, head: HeadData): void {
    const { scale, palette } = this.state!;
    const scaleMax = scale === 'unit' ? 1 : head.max;
    this.legend.render({ palette, scale, scaleMax, causal: summary.model.causal });
    this.readout.hint(); // the heatmap puts a hovered cell back, if the pointer is still over one
    const description = describeHead(summary, head);
    this.heatmap.paint({ head, tokens: summary.tokens, scaleMax, palette, causal: summary.model.causal, description });
    this.tableToggle.setAttribute('aria-pressed', String(this.tableShown));
    this.heatmap.element.hidden = this.tableShown;
    this.showTable(summary, head);
    this.paintedWidth = this.heatmap.availableWidth;
    this.events.painted(head);
    if (this.state) this.doPendingClick(this.state);
  }

  /** The table of the head, when the toggle shows it; choosing another block keeps the focus on the menu used. */
  private showTable(summary: ResultSummary, head: HeadData): void {
    if (!this.tableShown) {
      this.tableSlot.replaceChildren();
      return;
    }
    const choose = (block: TableBlock) => {
      const focused = document.activeElement?.id;
      this.tableBlock = block;
      this.showTable(summary, head);
      if (focused) document.getElementById(focused)?.focus();
    };
    this.tableSlot.replaceChildren(headTable(head, summary.tokens, summary.model.causal, describeRef(head.ref, summary.model),
      this.tableBlock, choose));
  }

  /** What a screen reader hears for a cell: query " it" → key " pizza": 0.645. */
  private cellText(row: number, col: number): string {
    const summary = this.state?.summary;
    const head = this.heatmap.paintedHead;
    if (!summary || !head) return '';
    const text = (i: number) => l10n.t('"{0}"', summary.tokens[i].display.replace(/␣/g, ' '));
    const masked = summary.model.causal && col > row ? l10n.t(' (masked: a later token)') : '';
    return l10n.t('query {0} → key {1}: {2}', text(row), text(col), head.probs[row * head.n + col].toFixed(3)) + masked;
  }

  private hover(cell: HoveredCell | undefined): void {
    const summary = this.state?.summary;
    if (cell && summary) this.readout.show(summary.tokens, cell.row, cell.col, cell.value, summary.model.causal);
    else this.readout.hint();
    this.events.hover(cell);
  }
}

/** What a screen reader hears for the picture: its size and its strongest cell. */
function describeHead(summary: ResultSummary, head: HeadData): string {
  const best = argmax(head.probs);
  const [row, col] = [Math.floor(best / head.n), best % head.n];
  const { display: query } = summary.tokens[row];
  const { display: key } = summary.tokens[col];
  return (
    l10n.t('Attention heatmap, {0}: {1} query rows by {1} key columns. ', describeRef(head.ref, summary.model), head.n) +
    l10n.t('Strongest: {0} → {1}: {2}.', query, key, head.probs[best].toFixed(4))
  );
}
