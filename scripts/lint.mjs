// @ts-check
// Runs in Node (tooling): `npm run lint`. ESLint with typescript-eslint's recommended rules
// (tools/eslint/eslint.config.mjs). ESLint lives in tools/eslint with its own lockfile, because typescript-eslint
// needs TypeScript's JavaScript API (TypeScript ≤ 6.0) and the project builds with TypeScript 7, which has none;
// this script installs that folder on first use (npm ci) and then lints the repository. Extra arguments go to ESLint.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOL = path.join(ROOT, 'tools', 'eslint');
const eslint = path.join(TOOL, 'node_modules', 'eslint', 'bin', 'eslint.js');

try {
  if (!existsSync(eslint)) {
    execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['ci', '--no-audit', '--no-fund'],
      { cwd: TOOL, stdio: 'inherit', shell: process.platform === 'win32' });
  }
  execFileSync(process.execPath, [eslint, '--config', path.join(TOOL, 'eslint.config.mjs'), ...process.argv.slice(2), '.'],
    { cwd: ROOT, stdio: 'inherit' });
} catch {
  process.exitCode = 1; // ESLint or npm has already said what is wrong
}
