#!/usr/bin/env node
// Runs before `npm start` runs dist/ (start never compiles: tsc takes seconds and is a dev dependency).
// No build: says which command makes one and exits 1. A build older than the sources beside it (a
// checkout edited or pulled since): says so, outside production, and starts anyway.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ENTRY = 'dist/server/main.js';
const STAMP = 'dist/.build-stamp';
const SOURCE_ROOTS = ['server', 'app-links', 'kit', 'scripts'];

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (/\.(ts|css|json)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** What `npm start` should say about the build in `root`: `missing`, `stale` or `ok`. */
export function distState(root) {
  if (!existsSync(join(root, ENTRY)) || !existsSync(join(root, STAMP))) return 'missing';
  const built = statSync(join(root, STAMP)).mtimeMs;
  const sources = SOURCE_ROOTS.filter((dir) => existsSync(join(root, dir))).map((dir) => newestSource(join(root, dir)));
  return Math.max(0, ...sources) > built ? 'stale' : 'ok';
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const state = distState(process.cwd());
  if (state === 'missing') {
    console.error(`${ENTRY} is missing: run npm run build (npm install runs it too), then npm start. While working on the code, npm run dev runs the sources directly.`);
    process.exitCode = 1;
  } else if (state === 'stale' && process.env.NODE_ENV !== 'production') {
    console.error('dist/ is older than the sources: run npm run build to start what you edited (npm run dev runs the sources directly).');
  }
}
