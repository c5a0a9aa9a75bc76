import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import type { Request, Response } from 'express';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Browsers keep at most about 4 kB per cookie, name and attributes included. */
export const MAX_SEALED_COOKIE = 3800;

export type OpenedCookie<T> = { kind: 'open'; value: T } | { kind: 'missing' } | { kind: 'invalid' } | { kind: 'expired' };

/**
 * A short-lived value kept in the browser instead of the store: AES-256-GCM sealed (the browser can
 * neither read nor change it), bound to its purpose by the associated data, with its expiry inside
 * the sealed text. Keys are derived (HKDF) from the service's signing keys, so every process of a
 * deployment opens what another sealed; the first key seals, all open (rotation).
 */
export class SealedCookie<T> {
  private readonly keys: Buffer[];
  private readonly name: string;

  constructor(
    signingKeys: KeyObject[],
    private readonly purpose: string,
    private readonly options: { secure: boolean; maxAgeSec: number; now: () => number },
  ) {
    this.keys = signingKeys.map((key) => Buffer.from(hkdfSync('sha256', key.export({ format: 'der', type: 'pkcs8' }), 'linkwright sealed cookie', purpose, 32)));
    this.name = `${options.secure ? '__Host-' : ''}lw-${purpose}`;
  }

  /** Seals the value into the cookie; false (nothing set) when it would not fit in a browser cookie. */
  set(res: Response, value: T): boolean {
    const expiresAt = this.options.now() + this.options.maxAgeSec * 1000;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0] as Buffer, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(this.purpose));
    const body = Buffer.concat([cipher.update(JSON.stringify({ v: value, e: expiresAt }), 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    if (sealed.length + this.name.length > MAX_SEALED_COOKIE) return false;
    // SameSite=Lax: the cookie comes back on the provider's top-level redirect, not on cross-site posts.
    res.cookie(this.name, sealed, { httpOnly: true, sameSite: 'lax', secure: this.options.secure, path: '/', maxAge: this.options.maxAgeSec * 1000 });
    return true;
  }

  /** The value the browser brought back, or why there is none usable. */
  open(req: Request): OpenedCookie<T> {
    const raw: unknown = (req.cookies as Record<string, unknown> | undefined)?.[this.name];
    if (typeof raw !== 'string' || raw === '') return { kind: 'missing' };
    if (raw.length > MAX_SEALED_COOKIE || !/^[A-Za-z0-9_-]+$/.test(raw)) return { kind: 'invalid' };
    const bytes = Buffer.from(raw, 'base64url');
    if (bytes.length <= IV_BYTES + TAG_BYTES) return { kind: 'invalid' };
    for (const key of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
        decipher.setAAD(Buffer.from(this.purpose));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const text = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
        const { v, e } = JSON.parse(text) as { v: T; e: number };
        return e <= this.options.now() ? { kind: 'expired' } : { kind: 'open', value: v };
      } catch {
        // not this key: try the next one
      }
    }
    return { kind: 'invalid' };
  }

  /** Removes the cookie (it is single-use). */
  clear(res: Response): void {
    res.clearCookie(this.name, { httpOnly: true, sameSite: 'lax', secure: this.options.secure, path: '/' });
  }
}
