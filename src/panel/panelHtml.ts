// Runs in the extension host: the panel's HTML. The webview script builds the page inside #app.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import { L10N_DATA_ATTRIBUTE } from '../../shared/l10nStrings';

/** A strict CSP: nothing but our own script (by nonce) and stylesheet, nothing from the network. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', file)).toString();
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  // The webview cannot call vscode.l10n: it reads VS Code's bundle for this language from <body> (none in English).
  const strings = escapeAttribute(JSON.stringify(vscode.l10n.bundle ?? {}));
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp};">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('webview.css')}">
<title>QKV Scope</title>
</head>
<body ${L10N_DATA_ATTRIBUTE}="${strings}"><main id="app"></main><script nonce="${nonce}" src="${asset('webview.js')}"></script></body>
</html>`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
