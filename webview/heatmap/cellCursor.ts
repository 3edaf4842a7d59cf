// Runs in the webview: the heatmap from the keyboard. The canvas takes focus; arrow keys move a cell cursor (Home
// and End to the row's ends), and each move is announced — query " it" → key " pizza": 0.645 — in a live region, so
// a screen reader hears what the pointer shows. Enter or Space opens the step-by-step card for the cell. The arrows
// stay here (preventDefault), so they do not also switch heads.

export interface CursorTarget {
  readonly canvas: HTMLCanvasElement;
  /** Tokens on each side of the painted grid; 0 before any paint. */
  readonly size: number;
  /** Outlines the cell and shows its value in the readout, as hovering does. */
  pointCell(row: number, col: number): void;
}

const MOVES: Readonly<Record<string, (row: number, col: number, n: number) => readonly [number, number]>> = {
  ArrowUp: (r, c) => [r - 1, c],
  ArrowDown: (r, c) => [r + 1, c],
  ArrowLeft: (r, c) => [r, c - 1],
  ArrowRight: (r, c) => [r, c + 1],
  Home: (r) => [r, 0],
  End: (r, _c, n) => [r, n - 1],
};

export class CellCursor {
  private row = 0;
  private col = 0;

  constructor(
    private readonly target: CursorTarget,
    /** What a screen reader hears for a cell. */
    private readonly describe: (row: number, col: number) => string,
    private readonly announcer: HTMLElement,
    private readonly open: (row: number, col: number) => void,
  ) {
    const { canvas } = target;
    canvas.tabIndex = 0;
    canvas.setAttribute('aria-keyshortcuts', 'ArrowUp ArrowDown ArrowLeft ArrowRight Home End Enter');
    canvas.addEventListener('focus', () => this.move(this.row, this.col));
    canvas.addEventListener('keydown', (event) => this.key(event));
  }

  /** Puts the cursor on a cell (a click or a pick), without announcing it. */
  place(row: number, col: number): void {
    [this.row, this.col] = [row, col];
  }

  private key(event: KeyboardEvent): void {
    const n = this.target.size;
    if (n === 0 || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.open(this.row, this.col);
      return;
    }
    const move = MOVES[event.key];
    if (!move) return;
    event.preventDefault();
    event.stopPropagation();
    this.move(...move(this.row, this.col, n));
  }

  private move(row: number, col: number): void {
    const n = this.target.size;
    if (n === 0) return;
    this.row = Math.max(0, Math.min(n - 1, row));
    this.col = Math.max(0, Math.min(n - 1, col));
    this.target.pointCell(this.row, this.col);
    this.announcer.textContent = this.describe(this.row, this.col);
  }
}
