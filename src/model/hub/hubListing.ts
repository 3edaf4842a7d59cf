// Runs in the engine worker (Node): the sizes of a hub model's graph files, as the Hub's tree listing states
// them (GET /api/models/{repo}/tree/{revision}/onnx). A download may not grow past the size stated. The listing
// is itself bounded (1 MB, 15 s); a mirror without the API, or any failure, just means no stated sizes.
import type { HubModelRef } from './hubModel';

const MAX_LISTING_BYTES = 1e6;
const LISTING_TIMEOUT_MS = 15_000;

interface ListedFile {
  readonly type?: unknown;
  readonly path?: unknown;
  readonly size?: unknown;
  readonly lfs?: { readonly size?: unknown };
}

export async function listedSizes(endpoint: string, ref: HubModelRef, headers: Record<string, string>,
  signal?: AbortSignal): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const url = `${endpoint}/api/models/${ref.repo}/tree/${encodeURIComponent(ref.revision)}/onnx`;
  try {
    const abort = AbortSignal.any([AbortSignal.timeout(LISTING_TIMEOUT_MS), ...(signal ? [signal] : [])]);
    const response = await fetch(url, { headers, signal: abort });
    const length = Number(response.headers.get('content-length') ?? 0);
    if (!response.ok || length > MAX_LISTING_BYTES || !response.body) {
      await response.body?.cancel();
      return sizes;
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      total += chunk.byteLength;
      if (total > MAX_LISTING_BYTES) return sizes;
      chunks.push(chunk);
    }
    const listing: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (!Array.isArray(listing)) return sizes;
    for (const entry of listing as ListedFile[]) {
      const size = typeof entry.lfs?.size === 'number' ? entry.lfs.size : entry.size;
      if (entry.type === 'file' && typeof entry.path === 'string' && typeof size === 'number' && Number.isFinite(size) && size >= 0) {
        sizes.set(entry.path, size);
      }
    }
  } catch {
    // No listing: the curated list and the ceiling still apply.
  }
  return sizes;
}
