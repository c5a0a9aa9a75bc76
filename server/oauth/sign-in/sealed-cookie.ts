import type { Request, Response } from 'express';
import type { RequestSeal } from '../request-seal';

/** Browsers keep at most about 4 kB per cookie, name and attributes included. */
export const MAX_SEALED_COOKIE = 3800;

export type OpenedCookie<T> = { kind: 'open'; value: T } | { kind: 'missing' } | { kind: 'invalid' } | { kind: 'expired' };

/**
 * A short-lived value kept in the browser instead of the store, sealed with the service's RequestSeal
 * (AES-256-GCM under keys derived from the signing keys: the browser can neither read nor change it,
 * every process of a deployment opens what another sealed, and the purpose is authenticated), with its
 * expiry inside the sealed text.
 */
export class SealedCookie<T> {
  private readonly name: string;

  constructor(
    private readonly seal: RequestSeal,
    private readonly purpose: string,
    private readonly options: { secure: boolean; maxAgeSec: number; now: () => number },
  ) {
    this.name = `${options.secure ? '__Host-' : ''}lw-${purpose}`;
  }

  /** Seals the value into the cookie; false (nothing set) when it would not fit in a browser cookie. */
  set(res: Response, value: T): boolean {
    const sealed = this.seal.seal(this.purpose, { v: value, e: this.options.now() + this.options.maxAgeSec * 1000 });
    if (sealed.length + this.name.length > MAX_SEALED_COOKIE) return false;
    // SameSite=Lax: the cookie comes back on the provider's top-level redirect, not on cross-site posts.
    res.cookie(this.name, sealed, { httpOnly: true, sameSite: 'lax', secure: this.options.secure, path: '/', maxAge: this.options.maxAgeSec * 1000 });
    return true;
  }

  /** The value the browser brought back, or why there is none usable. */
  open(req: Request): OpenedCookie<T> {
    const raw: unknown = (req.cookies as Record<string, unknown> | undefined)?.[this.name];
    if (typeof raw !== 'string' || raw === '') return { kind: 'missing' };
    if (raw.length > MAX_SEALED_COOKIE) return { kind: 'invalid' };
    const opened = this.seal.open(this.purpose, raw);
    if (typeof opened !== 'object' || opened === null || typeof (opened as { e?: unknown }).e !== 'number' || !('v' in opened)) return { kind: 'invalid' };
    const { v, e } = opened as { v: T; e: number };
    return e <= this.options.now() ? { kind: 'expired' } : { kind: 'open', value: v };
  }

  /** Removes the cookie (it is single-use). */
  clear(res: Response): void {
    res.clearCookie(this.name, { httpOnly: true, sameSite: 'lax', secure: this.options.secure, path: '/' });
  }
}
