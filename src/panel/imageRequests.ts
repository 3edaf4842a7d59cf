// Runs in the extension host: the pictures asked of the webview (renderImage) and not yet answered, each settled by
// its `image` or `imageFailed` reply, or failed after a minute.
import type { ImageFormat } from '../../shared/protocol';

/** A picture of the panel's current view, as the webview drew it. */
export interface RenderedImage {
  readonly format: ImageFormat;
  readonly data: Uint8Array;
  /** model · layer · head, for the log. */
  readonly title: string;
}

const IMAGE_TIMEOUT_MS = 60_000;

export class PendingImages {
  private nextRequestId = 1;
  private readonly waiting = new Map<number, (image: RenderedImage | Error) => void>();

  /** Sends the request (with a fresh id) and resolves with the picture. */
  request(send: (requestId: number) => void): Promise<RenderedImage> {
    const requestId = this.nextRequestId++;
    return new Promise<RenderedImage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(requestId);
        reject(new Error(`the panel did not draw the picture within ${IMAGE_TIMEOUT_MS / 1000} s`));
      }, IMAGE_TIMEOUT_MS);
      this.waiting.set(requestId, (image) => {
        clearTimeout(timer);
        if (image instanceof Error) reject(image);
        else resolve(image);
      });
      send(requestId);
    });
  }

  settle(requestId: number, image: RenderedImage | Error): void {
    const done = this.waiting.get(requestId);
    this.waiting.delete(requestId);
    done?.(image);
  }
}
