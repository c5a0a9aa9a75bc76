import { createHash } from 'node:crypto';
import { safeEqual } from '../crypto-utils';

/** RFC 7636 §4.1: 43–128 characters from the unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is a base64url SHA-256: exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/** True when the string could be an S256 code challenge. */
export function isValidChallenge(challenge: string): boolean {
  return S256_CHALLENGE.test(challenge);
}

/** True when the string is a well-formed code verifier. */
export function isValidVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

/** The S256 challenge for a verifier. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** True when the verifier hashes to the challenge. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  return isValidVerifier(verifier) && safeEqual(s256(verifier), challenge);
}
