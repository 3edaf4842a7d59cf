// Runs at build time only: lets main.ts import its stylesheet; esbuild emits it as dist/webview.css.
declare module '*.css';
