import type { Request, Response } from 'express';
import { randomToken, safeEqual, sha256 } from '../crypto-utils';

/**
 * A random cookie that ties an interaction to the browser that started it. Without it, an attacker
 * could start an authorization with their own Alexa account and lure a victim into signing in on that
 * interaction, linking the victim's account to the attacker's Alexa (login CSRF). HttpOnly keeps it
 * from scripts; SameSite=Lax keeps it off cross-site posts; Secure (and the __Host- prefix) over https.
 */
export class BrowserBinding {
  private readonly name: string;

  constructor(
    private readonly secure: boolean,
    private readonly maxAgeSec: number,
  ) {
    this.name = secure ? '__Host-lw-browser' : 'lw-browser';
  }

  /** The hash of this browser's binding cookie, creating (and setting) the cookie when absent. */
  ensure(req: Request, res: Response): string {
    const existing = this.read(req);
    const value = existing ?? randomToken(32);
    // Refreshed on every authorization request so it outlives the interaction it starts.
    res.cookie(this.name, value, { httpOnly: true, sameSite: 'lax', secure: this.secure, path: '/', maxAge: this.maxAgeSec * 1000 });
    return sha256(value);
  }

  /** The hash of this browser's binding cookie, or undefined when the request carries none. */
  hashOf(req: Request): string | undefined {
    const value = this.read(req);
    return value === undefined ? undefined : sha256(value);
  }

  /** True when the request carries the cookie whose hash the interaction recorded. */
  matches(req: Request, expectedHash: string): boolean {
    const value = this.read(req);
    return value !== undefined && safeEqual(sha256(value), expectedHash);
  }

  private read(req: Request): string | undefined {
    const value: unknown = (req.cookies as Record<string, unknown> | undefined)?.[this.name];
    return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  }
}
