import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyRing } from './keys';

const VERSION = 'p1';
const INFO = 'linkwright pending authorization seal v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** What a sealed value looks like: version, the sealing key's tag, then IV, ciphertext and GCM tag. */
const SEALED = /^p1\.([A-Za-z0-9_-]{8})\.([A-Za-z0-9_-]{40,})$/;

/**
 * Seals small records for the browser to carry (AES-256-GCM): what the service would otherwise have
 * to store for a visitor who has not signed in. The key is derived (HKDF) from each access-token
 * signing key, so every instance that shares SIGNING_KEYS shares it and no new secret is needed; a
 * sealed value names its key, and values sealed under a key still in the ring keep opening.
 */
export class RequestSeal {
  private readonly keys: Array<{ tag: string; key: Buffer }>;

  constructor(ring: KeyRing) {
    this.keys = ring.keys.map((signing) => ({
      tag: signing.kid.slice(0, 8).padEnd(8, '_'),
      key: Buffer.from(hkdfSync('sha256', signing.privateKey.export({ format: 'der', type: 'pkcs8' }), Buffer.alloc(0), INFO, 32)),
    }));
  }

  /** Whether a value has the shape of a sealed record (not whether it opens). */
  static looksSealed(value: string): boolean {
    return SEALED.test(value);
  }

  /** Seals a JSON-serialisable record; `purpose` is authenticated too, so a value sealed for one use opens for no other. */
  seal(purpose: string, record: unknown): string {
    const active = this.keys[0] as { tag: string; key: Buffer };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', active.key, iv);
    cipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
    const body = Buffer.concat([cipher.update(JSON.stringify(record), 'utf8'), cipher.final()]);
    return `${VERSION}.${active.tag}.${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The record, or undefined when the value is malformed, altered, sealed for another purpose or under an unknown key. */
  open(purpose: string, sealed: string): unknown {
    const match = SEALED.exec(sealed);
    if (!match) return undefined;
    const key = this.keys.find((candidate) => candidate.tag === match[1]);
    const bytes = Buffer.from(match[2] as string, 'base64url');
    if (!key || bytes.length < IV_BYTES + TAG_BYTES + 2) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${VERSION}:${purpose}`));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as unknown;
    } catch {
      return undefined; // an altered value fails GCM authentication
    }
  }
}
