import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Request, Response } from 'express';

/** Where the pages' stylesheet is served; the CSP allows styles from our own origin only. */
export const STYLESHEET_PATH = '/assets/linkwright.css';

interface Stylesheet {
  css: string;
  version: string;
}

let loaded: Stylesheet | undefined;

/**
 * The stylesheet's text and a short content hash. `tsc` does not copy .css files, so a compiled
 * build (dist/server/views, or any other outDir inside the checkout) finds server/views/styles.css
 * in the source tree above it.
 */
function stylesheet(): Stylesheet {
  if (loaded) return loaded;
  const candidates = [join(__dirname, 'styles.css')];
  for (let dir = dirname(__dirname), depth = 0; depth < 6 && dirname(dir) !== dir; dir = dirname(dir), depth += 1) {
    candidates.push(join(dir, 'server', 'views', 'styles.css'));
  }
  const file = candidates.find((path) => existsSync(path));
  if (!file) throw new Error(`styles.css not found (looked in ${candidates.join(', ')})`);
  const css = readFileSync(file, 'utf8');
  loaded = { css, version: createHash('sha256').update(css).digest('base64url').slice(0, 10) };
  return loaded;
}

/** The stylesheet URL pages link to; the version changes with the content, so it can be cached for long. */
export function stylesheetHref(): string {
  return `${STYLESHEET_PATH}?v=${stylesheet().version}`;
}

/** Serves the stylesheet (GET/HEAD), cacheable for a day and revalidated by ETag. */
export function serveStylesheet(req: Request, res: Response): void {
  const { css, version } = stylesheet();
  const etag = `"${version}"`;
  res.setHeader('Cache-Control', 'public, max-age=86400');
  res.setHeader('ETag', etag);
  if (req.get('if-none-match') === etag) {
    res.status(304).end();
    return;
  }
  res.type('text/css; charset=utf-8').send(css);
}
