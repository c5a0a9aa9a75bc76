#!/usr/bin/env node
// The second half of `npm run build`: tsc compiles only .ts, so every file the compiled code reads at
// run time is copied next to it here (dist/ must run without the source tree: a release image holds
// dist/, package.json and production dependencies only). Plain Node, no dependencies.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Source folders whose non-TypeScript files are run-time assets (stylesheets, page templates, JSON). */
export const ASSET_ROOTS = ['server', 'app-links', 'kit'];
/** Whole folders the compiled tools read (the ASK CLI skill package `alexa:config` writes from). */
export const COPIED_FOLDERS = ['skill-package'];

const NOT_ASSETS = /\.(ts|mts|cts|map)$/;

function assetsUnder(root, dir = root, found = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) assetsUnder(root, path, found);
    else if (!NOT_ASSETS.test(entry)) found.push(path);
  }
  return found;
}

/** Copies the assets from the checkout at `from` into `outDir`; returns the relative paths copied. */
export function copyAssets(from, outDir) {
  const copied = [];
  for (const root of ASSET_ROOTS) {
    if (!existsSync(join(from, root))) continue;
    for (const file of assetsUnder(join(from, root))) {
      const rel = relative(from, file);
      mkdirSync(dirname(join(outDir, rel)), { recursive: true });
      cpSync(file, join(outDir, rel));
      copied.push(rel);
    }
  }
  for (const folder of COPIED_FOLDERS) {
    if (!existsSync(join(from, folder))) continue;
    cpSync(join(from, folder), join(outDir, folder), { recursive: true });
    copied.push(`${folder}/`);
  }
  // When dist/ was last built completely: `npm start` compares it with the sources to spot a stale build.
  writeFileSync(join(outDir, '.build-stamp'), `${new Date().toISOString()}\n`);
  return copied;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // `node scripts/build/copy-assets.mjs [OUT_DIR]`: dist/ by default, or a release layout's dist/.
  const outDir = process.argv[2] ?? join(process.cwd(), 'dist');
  const copied = copyAssets(process.cwd(), outDir);
  console.log(`copied ${copied.length} assets into ${outDir}: ${copied.join(', ')}`);
}
