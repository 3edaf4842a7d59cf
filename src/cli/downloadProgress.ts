// Runs in Node (CLI): shows hub downloads on standard error. On a terminal, one bar redrawn in place;
// otherwise (a pipe, a log, CI) plain lines at every 10%, so logs stay short and readable.
import type { DownloadProgress } from '../attention/attentionEngine';
import { describeProgress, percentOf } from '../model/hub/downloadText';

const BAR_WIDTH = 24;

export interface ProgressSink {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class DownloadReporter {
  private lastFile = '';
  private lastStep = -1;
  private barShown = false;

  constructor(private readonly out: ProgressSink) {}

  report(progress: DownloadProgress): void {
    if (progress.file !== this.lastFile) {
      this.finishBar();
      this.lastFile = progress.file;
      this.lastStep = -1;
    }
    if (this.out.isTTY) this.drawBar(progress);
    else this.writeLine(progress);
  }

  /** Ends the bar's line, so whatever is printed next starts on a line of its own. */
  finish(): void {
    this.finishBar();
  }

  private drawBar(progress: DownloadProgress): void {
    const percent = percentOf(progress);
    const filled = percent === null ? 0 : Math.round((percent / 100) * BAR_WIDTH);
    const bar = percent === null ? '' : `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] `;
    this.out.write(`\r\x1b[2KDownloading ${bar}${describeProgress(progress)}`);
    this.barShown = true;
  }

  private writeLine(progress: DownloadProgress): void {
    const percent = percentOf(progress);
    const step = percent === null ? (progress.loaded === 0 ? 0 : -1) : Math.floor(percent / 10);
    if (step <= this.lastStep) return;
    this.lastStep = step;
    this.out.write(`Downloading ${describeProgress(progress)}\n`);
  }

  private finishBar(): void {
    if (!this.barShown) return;
    this.out.write('\n');
    this.barShown = false;
  }
}
