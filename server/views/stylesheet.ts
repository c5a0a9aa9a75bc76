import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';

/** Where the pages' stylesheet is served; the CSP allows styles from our own origin only. */
export const STYLESHEET_PATH = '/assets/linkwright.css';

interface Stylesheet {
  css: string;
  version: string;
}

const STYLESHEET_FILE = join(__dirname, 'styles.css');

let loaded: Stylesheet | undefined;

/**
 * The stylesheet's text and a short content hash, read once from next to this module: the sources'
 * server/views/styles.css, or the copy `npm run build` puts in dist/server/views. Never from the source
 * tree above a build, so a release that lacks it fails its readiness check instead of depending on a
 * checkout it will not have.
 */
function stylesheet(): Stylesheet {
  if (loaded) return loaded;
  const css = readFileSync(STYLESHEET_FILE, 'utf8');
  loaded = { css, version: createHash('sha256').update(css).digest('base64url').slice(0, 10) };
  return loaded;
}

/** Why the pages cannot be styled (the stylesheet file is missing or unreadable), or undefined when they can. */
export function stylesheetProblem(): string | undefined {
  try {
    stylesheet();
    return undefined;
  } catch (error) {
    return `the pages' stylesheet ${STYLESHEET_FILE} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); build with npm run build, which copies it into dist/`;
  }
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
