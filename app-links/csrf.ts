import { createHmac, hkdfSync } from 'node:crypto';
import type { Request, Response } from 'express';
import { safeEqual } from '../server/crypto-utils';
import { ServiceError } from '../server/errors';
import { BrowserBinding } from '../server/oauth/browser-binding';

/** Which form a token is for, so a token from one page is not accepted by the other. */
export type CsrfForm = 'return' | 'consent';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const COOKIE_MAX_AGE_SEC = 60 * 60;
const REFUSED = 'This form expired or was not sent from this site. Go back, reload the page and try again.';

/**
 * CSRF tokens for the fallback pages' forms. The token is an HMAC, under a key derived from the service's
 * secret (APP_LINKS_ENCRYPTION_KEY), of the browser-binding cookie the /oauth pages use (`__Host-lw-browser`
 * over https), the form and its state. A plain double-submit pair (cookie = field) could be planted by
 * anyone able to set a cookie for this host (a sibling subdomain, an http hop); here the field cannot be
 * made without the key, a `__Host-` cookie cannot be set from elsewhere, and a token fits one state only.
 * Over http (development) the cookie has a plain name, but the field still needs the server's key.
 */
export class AppLinksCsrf {
  private readonly key: Buffer;
  private readonly binding: BrowserBinding;

  constructor(secret: Buffer, secure: boolean) {
    // A key of its own, so the CSRF MAC never shares a key with the encryption of tokens at rest.
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'linkwright app-links csrf v1', 32));
    this.binding = new BrowserBinding(secure, COOKIE_MAX_AGE_SEC);
  }

  /** The token for a form about `state`, setting the browser-binding cookie when the browser has none. */
  issue(req: Request, res: Response, form: CsrfForm, state: string | undefined): string {
    return this.mac(this.binding.ensure(req, res), form, state);
  }

  /** Throws a 403 unless the field is the token for this browser, form and state (compared in constant time). */
  check(req: Request, form: CsrfForm, state: string | undefined, field: string | undefined): void {
    const browser = this.binding.hashOf(req);
    const ok = browser !== undefined && typeof field === 'string' && TOKEN.test(field) && safeEqual(this.mac(browser, form, state), field);
    if (!ok) throw new ServiceError('csrf_failed', 403, REFUSED, 'CSRF token missing or mismatched');
  }

  /** The hash of this browser's binding cookie (undefined without one), to carry where no form field can go. */
  browserOf(req: Request): string | undefined {
    return this.binding.hashOf(req);
  }

  /** Throws the same 403 unless the request comes from the browser whose binding hash `browser` is. */
  checkBrowser(req: Request, browser: string, reason: string): void {
    if (!this.binding.matches(req, browser)) throw new ServiceError('csrf_failed', 403, REFUSED, reason);
  }

  private mac(browserHash: string, form: CsrfForm, state: string | undefined): string {
    return createHmac('sha256', this.key).update(`${form}\n${browserHash}\n${state ?? ''}`).digest('base64url');
  }
}
