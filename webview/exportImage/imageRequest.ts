// Runs in the webview: the answer to the host's renderImage — the current view's picture as file bytes, or one
// sentence saying why there is none.
import type { FromWebview, ImageFormat } from '../../shared/protocol';
import type { PanelState } from '../state';
import { currentFigure } from './currentFigure';
import { renderFigure } from './render';
import * as l10n from '../l10n';

/** An SVG holds one rectangle per run of cells: beyond this it is too heavy to open (a 512-token head is 262 144). */
const MAX_SVG_CELLS = 1_100_000;

export async function answerRenderImage(
  state: PanelState, requestId: number, format: ImageFormat, post: (reply: FromWebview) => void,
): Promise<void> {
  const figure = currentFigure(state);
  const fail = (reason: string) => post({ type: 'imageFailed', requestId, reason });
  if (!figure) return fail(l10n.t('The view has no picture yet: wait until it is drawn, then export again.'));
  const cells = figure.matrices.reduce((sum, m) => sum + m.rows * m.cols, 0);
  if (format === 'svg' && cells > MAX_SVG_CELLS) {
    return fail(l10n.t('This view has {0} cells, too many for an SVG: export it as PNG.', cells));
  }
  try {
    const data = await renderFigure(figure, format);
    post({ type: 'image', requestId, format, data, title: figure.title });
  } catch (error) {
    fail(l10n.t('The picture could not be drawn: {0}.', error instanceof Error ? error.message : String(error)));
  }
}
