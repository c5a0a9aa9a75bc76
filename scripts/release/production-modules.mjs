#!/usr/bin/env node
// Copies the production dependencies of a checkout into a release layout: exactly the packages
// package-lock.json does not mark `dev` (what `npm ci --omit=dev` would install), taken from the
// checkout's installed node_modules, so laying out a release needs no network and no registry.
//
//   node scripts/release/production-modules.mjs SOURCE DEST
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The lockfile's install paths (`node_modules/a`, `node_modules/a/node_modules/b`) a production install has. */
export function productionPaths(lock) {
  if (!lock.packages) throw new Error('package-lock.json has no "packages" map (lockfileVersion 2 or later is needed)');
  return Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && !entry.dev && !entry.link)
    .map(([path, entry]) => ({ path, optional: entry.optional === true }));
}

/** Copies each production package (without its nested node_modules, which are listed on their own). */
export function copyProductionModules(source, dest) {
  const lock = JSON.parse(readFileSync(join(source, 'package-lock.json'), 'utf8'));
  // node_modules may be a link to a shared install: copy what it points at.
  const modules = realpathSync(join(source, 'node_modules'));
  const copied = [];
  const missing = [];
  for (const { path, optional } of productionPaths(lock)) {
    const from = join(modules, path.slice('node_modules/'.length));
    if (!existsSync(from)) {
      if (!optional) missing.push(path);
      continue;
    }
    const to = join(dest, path);
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to, { recursive: true, dereference: true, filter: (file) => file === from || !file.slice(from.length).includes('/node_modules/') && !file.endsWith('/node_modules') });
    copied.push(path);
  }
  if (missing.length > 0) throw new Error(`production packages missing from node_modules (run npm ci): ${missing.join(', ')}`);
  return copied;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [source, dest] = process.argv.slice(2);
  if (!source || !dest) {
    console.error('usage: node scripts/release/production-modules.mjs SOURCE DEST');
    process.exitCode = 64;
  } else {
    const copied = copyProductionModules(source, dest);
    console.log(`copied ${copied.length} production packages into ${join(dest, 'node_modules')}`);
  }
}
