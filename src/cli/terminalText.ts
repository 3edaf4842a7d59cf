// Runs in Node (CLI): text bound for a terminal. Control characters in the user's text or a model's files
// (ESC sequences that retitle the window or move the cursor, BEL, NUL) are shown escaped, never obeyed.

/** C0 controls except newline and tab, DEL, and the C1 controls (U+0080–U+009F, 8-bit CSI among them). */
// eslint-disable-next-line no-control-regex -- matching control characters is this regex's whole job
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function forTerminal(text: string): string {
  return text.replace(CONTROL, (ch) => `\\x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
