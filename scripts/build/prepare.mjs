#!/usr/bin/env node
// npm's `prepare` script: `npm install` in a clone builds dist/, so the README's
// `npm install && npm start` works on a fresh clone while `npm start` itself never compiles. An install
// without dev dependencies (`npm ci --omit=dev`) has no TypeScript to build with: it says so and succeeds,
// since such an install is for running a dist/ built elsewhere.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let hasTypeScript = true;
try {
  require.resolve('typescript');
} catch {
  hasTypeScript = false;
}
if (!hasTypeScript) {
  console.log('prepare: TypeScript is not installed (production install); not building dist/');
} else {
  const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exitCode = result.status ?? 1;
}
