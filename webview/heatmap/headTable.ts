// Runs in the webview: the current head as an HTML table — the "Table" toggle of the heatmap — for screen readers
// and for reading exact values: one row per query token, one column per key token, four decimals, masked cells
// of a causal model marked as such. Large heads show their first MAX_TOKENS rows and columns, and say so.
import type { Token } from '../../shared/attentionResult';
import { el } from '../dom';
import type { HeadData } from '../headCache';
import * as l10n from '../l10n';

const MAX_TOKENS = 128;

export function headTable(head: HeadData, tokens: readonly Token[], causal: boolean, caption: string): HTMLElement {
  const shown = Math.min(head.n, MAX_TOKENS);
  const cut = shown < head.n ? l10n.t(' (first {0} of {1} tokens: the heatmap and the JSON export have them all)', shown, head.n) : '';
  const header = el('tr', {}, [
    el('th', { text: l10n.t('query ↓ key →'), attrs: { scope: 'col' } }),
    ...tokens.slice(0, shown).map((t) => el('th', { text: t.display, attrs: { scope: 'col' } })),
  ]);
  const rows = tokens.slice(0, shown).map((t, i) => el('tr', {}, [
    el('th', { text: t.display, attrs: { scope: 'row' } }),
    ...Array.from({ length: shown }, (_, j) => (causal && j > i
      ? el('td', { className: 'is-masked', text: '—', attrs: { title: l10n.t('masked: a later token'), 'aria-label': l10n.t('masked') } })
      : el('td', { text: head.probs[i * head.n + j].toFixed(4) }))),
  ]));
  return el('div', { className: 'qkv-head-table' }, [
    el('table', { className: 'qkv-table' }, [
      el('caption', { text: `${caption}${cut}` }), el('thead', {}, [header]), el('tbody', {}, rows),
    ]),
  ]);
}
