// Runs in the webview: every head's statistics (shared/headStats.ts) in one table, sortable by any column —
// which heads look at the previous token, which sink into the first, which are sharp. A row's button selects
// that head.
import type { HeadRef, ResultSummary } from '../../shared/protocol';
import { el } from '../dom';
import { sameRef } from '../headRef';
import { STAT_LABELS, type StatKey } from './headsGrid';
import * as l10n from '../l10n';

type SortKey = 'head' | StatKey;

interface Sort {
  readonly key: SortKey;
  readonly descending: boolean;
}

const COLUMNS: readonly [SortKey, string][] = [
  ['head', l10n.t('Head')],
  ...(Object.entries(STAT_LABELS) as [StatKey, string][]),
];

export class HeadStatsTable {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  private readonly headers = new Map<SortKey, HTMLElement>();
  private sort: Sort = { key: 'head', descending: false };
  private last: { summary: ResultSummary; ref: HeadRef } | undefined;

  constructor(private readonly select: (ref: HeadRef) => void) {
    this.body = el('tbody');
    const row = el('tr', {}, COLUMNS.map(([key, label]) => {
      const button = el('button', { className: 'qkv-sort', text: label, attrs: { type: 'button' } });
      button.addEventListener('click', () => {
        this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : key !== 'head' };
        if (this.last) this.render(this.last.summary, this.last.ref);
      });
      const th = el('th', { attrs: { scope: 'col' } }, [button]);
      this.headers.set(key, th);
      return th;
    }));
    this.element = el('div', { className: 'qkv-stats-table' }, [
      el('table', { className: 'qkv-table' }, [
        el('caption', {
          className: 'qkv-note',
          // eslint-disable-next-line max-len -- one literal: scripts/l10n-export.mjs collects l10n.t messages whole
          text: l10n.t('Per-head statistics: mean attention to the previous token, the first token and itself, and mean row entropy. Click a column to sort.'),
        }),
        el('thead', {}, [row]),
        this.body,
      ]),
    ]);
  }

  render(summary: ResultSummary, ref: HeadRef): void {
    this.last = { summary, ref };
    const rows: { ref: HeadRef; values: Record<StatKey, number> }[] = [];
    summary.stats.forEach((heads, layer) => heads.forEach((stats, head) => rows.push({ ref: { layer, head }, values: { ...stats } })));
    const { key, descending } = this.sort;
    const order = (a: (typeof rows)[number], b: (typeof rows)[number]) =>
      key === 'head' ? a.ref.layer - b.ref.layer || a.ref.head - b.ref.head : a.values[key] - b.values[key];
    rows.sort((a, b) => (descending ? -order(a, b) : order(a, b)));
    for (const [column, th] of this.headers) {
      th.setAttribute('aria-sort', column === key ? (descending ? 'descending' : 'ascending') : 'none');
    }
    this.body.replaceChildren(...rows.map(({ ref: r, values }) => {
      const button = el('button', {
        className: 'qkv-link',
        text: l10n.t('L{0} H{1}', r.layer + 1, r.head + 1),
        attrs: { type: 'button', title: l10n.t('Show this head') },
      });
      button.addEventListener('click', () => this.select(r));
      const tr = el('tr', { className: sameRef(r, ref) ? 'is-selected' : '' }, [
        el('th', { attrs: { scope: 'row' } }, [button]),
        ...(Object.keys(STAT_LABELS) as StatKey[]).map((stat) => el('td', { text: values[stat].toFixed(stat === 'entropy' ? 2 : 3) })),
      ]);
      if (sameRef(r, ref)) tr.setAttribute('aria-current', 'true');
      return tr;
    }));
  }
}
