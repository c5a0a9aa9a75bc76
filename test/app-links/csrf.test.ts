import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { CookieOptions, Request, Response } from 'express';
import { AppLinksCsrf } from '../../app-links/csrf';
import { ServiceError } from '../../server/errors';

/** The two parts of express's request and response the CSRF tokens use: the parsed cookies and res.cookie. */
function browser(cookies: Record<string, string> = {}): { req: Request; res: Response; set: Array<{ name: string; value: string; options: CookieOptions }> } {
  const set: Array<{ name: string; value: string; options: CookieOptions }> = [];
  const res = {
    cookie(name: string, value: string, options: CookieOptions) {
      set.push({ name, value, options });
      cookies[name] = value;
      return res;
    },
  };
  return { req: { cookies } as unknown as Request, res: res as unknown as Response, set };
}

function refusal(action: () => void): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('app-links CSRF tokens', () => {
  const secret = randomBytes(32);

  it('over https binds the token to a __Host- cookie (Secure, path /, HttpOnly), and the field to this form and state', () => {
    const csrf = new AppLinksCsrf(secret, true);
    const { req, res, set } = browser();
    const token = csrf.issue(req, res, 'return', 'state-1');
    expect(set.map((cookie) => [cookie.name, cookie.options.secure, cookie.options.path, cookie.options.httpOnly])).to.deep.equal([['__Host-lw-browser', true, '/', true]]);
    expect(refusal(() => csrf.check(req, 'return', 'state-1', token))).to.equal('accepted');
    expect(refusal(() => csrf.check(req, 'return', 'state-2', token))).to.equal('csrf_failed');
    expect(refusal(() => csrf.check(req, 'consent', 'state-1', token))).to.equal('csrf_failed');
  });

  it('over http keeps a plain cookie name but still needs the server key: a planted pair, or another key, is refused', () => {
    const csrf = new AppLinksCsrf(secret, false);
    const planted = 'P'.repeat(43);
    const attacker = browser({ 'lw-browser': planted, lw_app_links_csrf: planted });
    expect(refusal(() => csrf.check(attacker.req, 'return', 'state-1', planted))).to.equal('csrf_failed');
    const { req, res, set } = browser();
    const token = csrf.issue(req, res, 'return', 'state-1');
    expect(set[0]?.name).to.equal('lw-browser');
    expect(refusal(() => new AppLinksCsrf(randomBytes(32), false).check(req, 'return', 'state-1', token))).to.equal('csrf_failed');
    // The same field with another browser's cookie is refused too.
    expect(refusal(() => csrf.check(browser({ 'lw-browser': planted }).req, 'return', 'state-1', token))).to.equal('csrf_failed');
  });
});
