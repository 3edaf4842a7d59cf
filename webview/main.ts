// Runs in the webview: the entry point. Connects to the host, builds the panel, and says `ready` last, so the
// host's first message finds everything in place.
import './styles.css';
import { TranslationController } from './translation/translationController';
import { PanelController } from './controller';
import { afterPaint } from './inputTiming';
import { restoredState, saveOnChange } from './savedView';
import { bindKeyboard } from './keyboard';
import { EditorLinkHooks } from './editorLink';
import { connectToHost } from './messaging';
import { PanelView } from './panelView';
import { MODEL_SETTINGS } from '../shared/whatIf';
import { Store, type PanelState } from './state';
import { readPalette, watchTheme } from './canvas/theme';

const host = connectToHost();
const saved = host.savedState();
const initial: PanelState = {
  summary: undefined,
  ref: { layer: 0, head: 0 },
  shown: undefined,
  status: { state: 'idle' },
  scale: 'head',
  colourScale: 'theme',
  palette: readPalette(),
  tab: 'heatmap',
  query: undefined,
  key: undefined,
  whatIf: MODEL_SETTINGS,
  layers: new Map(),
  positions: undefined,
  stage: undefined,
  overlay: [],
  click: undefined,
  kind: 'encoder',
  decoderLayers: new Map(),
  focus: undefined,
  ...restoredState(saved),
};
const store = new Store(initial);
const controller = new PanelController(host, store, saved);
const link = new EditorLinkHooks(host, store);
const translation = new TranslationController(host, store);
saveOnChange(store, host);
const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
const view = new PanelView(root, {
  step: (axis, delta) => controller.step(axis, delta),
  exportJson: () => controller.exportJson(),
  exportImage: () => controller.exportImage(),
  setScale: (scale) => controller.setScale(scale),
  painted: (head) => afterPaint((inputMs, frameAt) => {
    const timing = { frameAt, ...(inputMs !== undefined ? { inputMs } : {}) };
    host.post({ type: 'painted', resultId: head.resultId, ref: head.ref, tokens: head.n, ...timing });
  }),
  pickCell: (row, col) => {
    controller.pickCell(row, col, true);
    link.reveal(col);
  },
  pickLabel: (axis, index) => link.pickLabel(axis, index),
  clicked: () => controller.clicked(),
  setTab: (tab) => controller.setTab(tab),
  pickToken: (index) => {
    controller.pickToken(index);
    link.reveal(index);
  },
  pickPair: (query, key) => controller.pickCell(query, key, false),
  stepShown: (step) => controller.reportStep(step),
  setWhatIf: (settings) => controller.setWhatIf(settings),
  select: (ref) => controller.select(ref),
  setOverlay: (heads) => controller.setOverlay(heads),
  setStage: (stage) => controller.setStage(stage),
  rerun: () => host.post({ type: 'rerun' }),
  setKind: (kind) => translation.setKind(kind),
  focusToken: (focus, also) => translation.focus(focus, also),
});
store.subscribe((state, previous) => view.render(state, previous));
view.render(initial, initial);

host.onMessage((message) => {
  controller.receive(message);
  link.receive(message);
  translation.receive(message);
});
bindKeyboard((axis, delta) => controller.step(axis, delta));
watchTheme(() => store.update({ palette: readPalette(store.state.colourScale) }));
host.post({ type: 'ready' });
