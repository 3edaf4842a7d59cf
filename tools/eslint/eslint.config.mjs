// ESLint for QKV Scope: typescript-eslint's recommended rules on every TypeScript and script file.
// Run from the repository root: npm run lint (scripts/lint.mjs). With --config, paths are relative to the root.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', '**/node_modules/**', 'bench/.models/**', 'tools/.cache/**', '.vscode-test/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        // Node and the browser both: the webview is browser code, everything else Node.
        console: 'readonly', process: 'readonly', Buffer: 'readonly', __dirname: 'readonly', __filename: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        performance: 'readonly', fetch: 'readonly', URL: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly',
        AbortController: 'readonly', AbortSignal: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly',
        window: 'readonly', document: 'readonly', requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly',
        ResizeObserver: 'readonly', getComputedStyle: 'readonly', MutationObserver: 'readonly', navigator: 'readonly',
        NodeJS: 'readonly', require: 'readonly', module: 'writable', globalThis: 'readonly',
      },
    },
    rules: {
      // Lines over 140 characters are errors; an l10n.t message that is longer on its own says why on the line above.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignoreRegExpLiterals: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // The bin script and the Python tools' CommonJS helpers.
    files: ['bin/**/*.js', 'tools/**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
