// Runs in the webview: when the person (or the host's `show`) last asked for another head, so the `painted`
// message can say how long it took from that input to the animation frame that shows the new head — the time a
// person waits, measured where they wait (bench/headSwitch.ts prints it).

let since: number | undefined;

/** An input that asks for a new picture: a key, a click, a host `show`. `at` is the event's own timestamp. */
export function markInput(at = performance.now()): void {
  since = at;
}

/**
 * After a paint: calls `report` in the next animation frame — the frame that shows what was just drawn — with the
 * milliseconds since the input that asked for it (undefined when none did; each input is reported once) and the
 * frame's time since 1970, which the extension host's clock can be compared with.
 */
export function afterPaint(report: (inputMs: number | undefined, frameAt: number) => void): void {
  const start = since;
  since = undefined;
  requestAnimationFrame(() => {
    const now = performance.now();
    report(start === undefined ? undefined : now - start, performance.timeOrigin + now);
  });
}
