import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM nonce size NIST recommends
const TAG_BYTES = 16;

/**
 * Encrypts secrets kept at rest (Amazon refresh and access tokens, PKCE verifiers) with AES-256-GCM.
 * The first key seals; every key opens, so a new key can be put first while records sealed with the old
 * one are still read (rotation). Each value is bound to a context string (e.g. the user id) as
 * associated data, so a sealed value copied into another user's record does not open.
 */
export class CryptoBox {
  private readonly keys: Array<{ id: string; key: Buffer }>;

  constructor(keys: Buffer[]) {
    if (keys.length === 0) throw new Error('a crypto box needs at least one key');
    this.keys = keys.map((key) => {
      if (key.length !== 32) throw new Error('encryption keys are 32 bytes (AES-256)');
      return { id: keyId(key), key };
    });
  }

  /** Seals a text for a context; the result is `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). */
  seal(plaintext: string, context: string): string {
    const { id, key } = this.keys[0] as { id: string; key: Buffer };
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  }

  /** Opens a sealed text; throws when the value was altered, sealed for another context, or with an unknown key. */
  open(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new Error('sealed value is malformed');
    const [, id, ivText, bodyText, tagText] = parts as [string, string, string, string, string];
    const entry = this.keys.find((candidate) => candidate.id === id);
    if (!entry) throw new Error('sealed with a key this service no longer has');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, Buffer.from(ivText, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** A short public id for a key, so a sealed value names the key that opens it without revealing it. */
function keyId(key: Buffer): string {
  return createHash('sha256').update('linkwright app-links key id').update(key).digest('base64url').slice(0, 8);
}
