// Runs in the webview: the current head as an HTML table — the "Table" toggle of the heatmap — for screen readers
// and for reading exact values: one row per query token, one column per key token, four decimals, masked cells
// of a causal model marked as such. A table of 512 × 512 cells would be a quarter of a million DOM nodes, so a
// large head shows one block of at most BLOCK × BLOCK cells at a time, with two menus that choose which queries and
// which keys: every value is still there, a block at a time.
import type { Token } from '../../shared/attentionResult';
import { el } from '../dom';
import type { HeadData } from '../headCache';
import * as l10n from '../l10n';

/** Rows and columns of one block. */
export const BLOCK = 128;

/** The first query row and the first key column of the block on screen. */
export interface TableBlock {
  readonly row: number;
  readonly col: number;
}

export const FIRST_BLOCK: TableBlock = { row: 0, col: 0 };

export function headTable(
  head: HeadData, tokens: readonly Token[], causal: boolean, caption: string, block: TableBlock, choose: (block: TableBlock) => void,
): HTMLElement {
  const n = head.n;
  const row0 = block.row < n ? block.row : 0;
  const col0 = block.col < n ? block.col : 0;
  const rows = Math.min(n - row0, BLOCK);
  const cols = Math.min(n - col0, BLOCK);
  const header = el('tr', {}, [
    el('th', { text: l10n.t('query ↓ key →'), attrs: { scope: 'col' } }),
    ...tokens.slice(col0, col0 + cols).map((t) => el('th', { text: t.display, attrs: { scope: 'col' } })),
  ]);
  const body = tokens.slice(row0, row0 + rows).map((t, r) => {
    const i = row0 + r;
    return el('tr', {}, [
      el('th', { text: t.display, attrs: { scope: 'row' } }),
      ...Array.from({ length: cols }, (_, c) => {
        const j = col0 + c;
        if (!causal || j <= i) return el('td', { text: head.probs[i * n + j].toFixed(4) });
        const attrs = { title: l10n.t('masked: a later token'), 'aria-label': l10n.t('masked') };
        return el('td', { className: 'is-masked', text: '—', attrs });
      }),
    ]);
  });
  const part = n > BLOCK
    ? l10n.t(' (queries {0}–{1}, keys {2}–{3} of {4} tokens)', row0 + 1, row0 + rows, col0 + 1, col0 + cols, n) : '';
  const table = el('table', { className: 'qkv-table' }, [
    el('caption', { text: `${caption}${part}` }), el('thead', {}, [header]), el('tbody', {}, body),
  ]);
  const pickers = n > BLOCK ? [blockPickers(n, row0, col0, choose)] : [];
  return el('div', { className: 'qkv-head-table' }, [...pickers, table]);
}

/** Two menus, "Queries" and "Keys", each listing the ranges 1–128, 129–256, … of the head's tokens. */
function blockPickers(n: number, row0: number, col0: number, choose: (block: TableBlock) => void): HTMLElement {
  const menu = (id: string, label: string, selected: number, pick: (first: number) => TableBlock) => {
    const select = el('select', { className: 'qkv-select', attrs: { id } },
      Array.from({ length: Math.ceil(n / BLOCK) }, (_, b) => {
        const first = b * BLOCK;
        const option = el('option', { text: `${first + 1}–${Math.min(n, first + BLOCK)}`, attrs: { value: String(first) } });
        option.selected = first === selected;
        return option;
      }));
    select.addEventListener('change', () => choose(pick(Number(select.value))));
    const caption = el('label', { className: 'qkv-field__label', text: label, attrs: { for: id } });
    return el('span', { className: 'qkv-field' }, [caption, select]);
  };
  return el('div', { className: 'qkv-head-table__blocks' }, [
    menu('qkv-table-rows', l10n.t('Queries'), row0, (row) => ({ row, col: col0 })),
    menu('qkv-table-cols', l10n.t('Keys'), col0, (col) => ({ row: row0, col })),
  ]);
}
