// Runs in the webview: a tiny typed helper for building DOM without HTML strings (the CSP forbids inline styles,
// and building nodes keeps every token text out of any HTML parser).

export interface ElementOptions {
  readonly className?: string;
  readonly text?: string;
  /** Attributes such as role, aria-*, type, title. Never "style": the CSP blocks it. */
  readonly attrs?: Readonly<Record<string, string>>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}
