import type { Response } from 'express';

/**
 * Widens the response's CSP form-action to the given origins. Browsers apply form-action to the
 * redirects that follow a form post, so the consent page (and its answer) must allow the client's
 * redirect origin or the browser would block the 303 to Alexa. Everything else helmet set is kept.
 */
export function allowFormActionTo(res: Response, origins: string[]): void {
  const current = res.getHeader('Content-Security-Policy');
  if (typeof current !== 'string') return;
  const sources = ["'self'", ...new Set(origins)].join(' ');
  const directives = current
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !/^form-action(\s|$)/i.test(d));
  directives.push(`form-action ${sources}`);
  res.setHeader('Content-Security-Policy', directives.join(';'));
}

/** The origin of a URL (scheme://host[:port]) as a CSP source expression; a custom scheme alone (app links). */
export function originOf(url: string): string {
  const parsed = new URL(url);
  return parsed.origin !== 'null' ? parsed.origin : parsed.protocol;
}
