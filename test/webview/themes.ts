// Test support (Node): the four default VS Code themes as a webview sees them — the body class and the
// --vscode-* variables VS Code writes on <html>. Values are those of Light Modern, Dark Modern, High Contrast
// and High Contrast Light (a colour the theme leaves unset, such as the high-contrast button background, is absent,
// exactly as VS Code leaves the variable out).

export interface Theme {
  readonly name: string;
  readonly file: string;
  readonly bodyClass: string;
  readonly vars: Readonly<Record<string, string>>;
}

const common: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-weight': 'normal',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  '--vscode-editor-font-weight': 'normal',
  '--vscode-editor-font-size': '14px',
};

export const LIGHT_MODERN: Theme = {
  name: 'Light Modern',
  file: 'panel-light.png',
  bodyClass: 'vscode-light',
  vars: {
    ...common,
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#3b3b3b',
    '--vscode-errorForeground': '#f85149',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#0258a8',
    '--vscode-button-border': '#0000001a',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-button-secondaryHoverBackground': '#cccccc',
    '--vscode-editorWidget-background': '#f8f8f8',
    '--vscode-editorWidget-border': '#c8c8c8',
    '--vscode-widget-border': '#e5e5e5',
    '--vscode-textBlockQuote-background': '#f8f8f8',
    '--vscode-textCodeBlock-background': '#f8f8f8',
    '--vscode-textPreformat-foreground': '#3b3b3b',
    '--vscode-textPreformat-background': '#0000001f',
    '--vscode-textLink-foreground': '#005fb8',
    '--vscode-charts-blue': '#1a85ff',
  },
};

export const DARK_MODERN: Theme = {
  name: 'Dark Modern',
  file: 'panel-dark.png',
  bodyClass: 'vscode-dark',
  vars: {
    ...common,
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-errorForeground': '#f85149',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-hoverBackground': '#026ec1',
    '--vscode-button-border': '#ffffff12',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-button-secondaryHoverBackground': '#3c3c3c',
    '--vscode-editorWidget-background': '#202020',
    '--vscode-editorWidget-border': '#454545',
    '--vscode-widget-border': '#313131',
    '--vscode-textBlockQuote-background': '#2b2b2b',
    '--vscode-textCodeBlock-background': '#2b2b2b',
    '--vscode-textPreformat-foreground': '#d0d0d0',
    '--vscode-textPreformat-background': '#3c3c3c',
    '--vscode-textLink-foreground': '#4daafc',
    '--vscode-charts-blue': '#3794ff',
  },
};

export const HIGH_CONTRAST: Theme = {
  name: 'High Contrast',
  file: 'panel-hc-dark.png',
  bodyClass: 'vscode-high-contrast',
  vars: {
    ...common,
    '--vscode-editor-background': '#000000',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-foreground': '#ffffff',
    '--vscode-descriptionForeground': '#ffffffb3',
    '--vscode-errorForeground': '#f48771',
    '--vscode-focusBorder': '#f38518',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': '#6fc3df',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-editorWidget-background': '#0c141f',
    '--vscode-editorWidget-border': '#6fc3df',
    '--vscode-textCodeBlock-background': '#000000',
    '--vscode-textPreformat-foreground': '#000000',
    '--vscode-textPreformat-background': '#ffffff',
    '--vscode-textLink-foreground': '#21a6ff',
    '--vscode-charts-blue': '#3794ff',
  },
};

export const HIGH_CONTRAST_LIGHT: Theme = {
  name: 'High Contrast Light',
  file: 'panel-hc-light.png',
  bodyClass: 'vscode-high-contrast vscode-high-contrast-light',
  vars: {
    ...common,
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#292929',
    '--vscode-foreground': '#292929',
    '--vscode-descriptionForeground': '#292929b3',
    '--vscode-errorForeground': '#b5200d',
    '--vscode-focusBorder': '#006bbd',
    '--vscode-contrastBorder': '#0f4a85',
    '--vscode-contrastActiveBorder': '#006bbd',
    '--vscode-button-background': '#0f4a85',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-border': '#0f4a85',
    '--vscode-button-secondaryBackground': '#ffffff',
    '--vscode-button-secondaryForeground': '#292929',
    '--vscode-editorWidget-background': '#ffffff',
    '--vscode-editorWidget-border': '#0f4a85',
    '--vscode-textBlockQuote-background': '#f2f2f2',
    '--vscode-textCodeBlock-background': '#f2f2f2',
    '--vscode-textPreformat-foreground': '#ffffff',
    '--vscode-textPreformat-background': '#09345f',
    '--vscode-textLink-foreground': '#0f4a85',
    '--vscode-charts-blue': '#1a85ff',
  },
};

export const THEMES: readonly Theme[] = [LIGHT_MODERN, DARK_MODERN, HIGH_CONTRAST, HIGH_CONTRAST_LIGHT];

/** "#1f1f1f" → [31, 31, 31] */
export function hexRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1, 7), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}
