import { type KeyObject, verify } from 'node:crypto';
import { VerificationError } from './errors';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Checks Alexa's Signature-256 header: an RSA signature with SHA-256 over the exact body bytes, made by
 * the signing certificate's key (`key`, the validated leaf's public key). Throws VerificationError when
 * it does not verify.
 */
export function checkBodySignature(body: Buffer, signatureBase64: string, key: KeyObject): void {
  const compact = signatureBase64.trim();
  if (compact.length === 0 || compact.length > 2048 || !BASE64.test(compact)) throw new VerificationError('signature is not base64');
  // The algorithm is pinned to RSA: with another key type, node would verify a different scheme.
  if (key.asymmetricKeyType !== 'rsa') throw new VerificationError(`signing key is ${key.asymmetricKeyType ?? 'unknown'}, not RSA`);
  let valid: boolean;
  try {
    valid = verify('sha256', body, key, Buffer.from(compact, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new VerificationError('signature does not match the body');
}
