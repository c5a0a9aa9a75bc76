import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import bcrypt from 'bcryptjs';

function scrypt(password: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

// scrypt (memory-hard, in Node's core) with N=2^15: about 32 MiB and tens of milliseconds per check,
// which makes offline guessing of a leaked hash expensive while a login stays fast.
const DEFAULTS = { N: 32768, r: 8, p: 1, keyLength: 32 };

/**
 * What a stored or imported hash may cost to check. A hash is data (it may come from an import file),
 * so its parameters are bounded: otherwise one record could make every sign-in attempt on it take
 * seconds or gigabytes.
 */
const LIMITS = { minN: 1024, maxN: 1 << 20, maxR: 32, maxP: 16, maxMem: 256 * 1024 * 1024, minKey: 16, maxKey: 64, minSalt: 8, maxSalt: 64, minBcryptCost: 4, maxBcryptCost: 14 };

const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

interface ScryptHash {
  kind: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

interface BcryptHash {
  kind: 'bcrypt';
  cost: number;
  text: string;
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url parts). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p, keyLength } = DEFAULTS;
  const key = await scrypt(password.normalize('NFKC'), salt, keyLength, { N, r, p, maxmem: 128 * N * r * 2 });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Why a hash cannot be used (for `account import`), or undefined when it can. Accepted: bcrypt
 * (`$2a$`, `$2b$`, `$2y$`, cost 4–14) and scrypt as `scrypt$N$r$p$salt$hash` (salt and hash base64 or
 * base64url of the raw bytes; N a power of two 2^10–2^20, r ≤ 32, p ≤ 16).
 */
export function hashProblem(stored: string): string | undefined {
  const parsed = parseHash(stored);
  return typeof parsed === 'string' ? parsed : undefined;
}

/** True when the password matches the stored hash (scrypt or bcrypt); constant-time on the derived key. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (typeof parsed === 'string') return false;
  if (parsed.kind === 'bcrypt') return bcrypt.compare(password, parsed.text);
  const { N, r, p, salt, key: expected } = parsed;
  const key = await scrypt(password.normalize('NFKC'), salt, expected.length, { N, r, p, maxmem: 128 * N * r * 2 });
  return timingSafeEqual(key, expected);
}

/** True when a hash is weaker or older than what hashPassword makes now (an imported one), so it is replaced at the next sign-in. */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (typeof parsed === 'string' || parsed.kind === 'bcrypt') return true;
  return parsed.N < DEFAULTS.N || parsed.r < DEFAULTS.r || parsed.key.length < DEFAULTS.keyLength;
}

function parseHash(stored: string): ScryptHash | BcryptHash | string {
  const bcryptMatch = BCRYPT.exec(stored);
  if (bcryptMatch) {
    const cost = Number(bcryptMatch[1]);
    if (cost < LIMITS.minBcryptCost || cost > LIMITS.maxBcryptCost) return `bcrypt cost ${cost} is outside ${LIMITS.minBcryptCost}–${LIMITS.maxBcryptCost}`;
    return { kind: 'bcrypt', cost, text: stored };
  }
  if (stored.startsWith('$2')) return 'not a bcrypt hash ($2a$, $2b$ or $2y$, two-digit cost, 53 characters of salt and hash)';
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return 'unknown hash format (accepted: bcrypt $2a$/$2b$/$2y$, scrypt$N$r$p$salt$hash)';
  if (parts.length !== 6) return 'scrypt hashes have six $-separated parts: scrypt$N$r$p$salt$hash';
  const [, nText, rText, pText, saltText, keyText] = parts as [string, string, string, string, string, string];
  if (![nText, rText, pText].every((part) => /^\d{1,8}$/.test(part))) return 'scrypt N, r and p must be whole numbers';
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  if (N < LIMITS.minN || N > LIMITS.maxN || (N & (N - 1)) !== 0) return `scrypt N must be a power of two from ${LIMITS.minN} to ${LIMITS.maxN}, got ${N}`;
  if (r < 1 || r > LIMITS.maxR || p < 1 || p > LIMITS.maxP) return `scrypt r must be 1–${LIMITS.maxR} and p 1–${LIMITS.maxP}, got r=${r} p=${p}`;
  if (128 * N * r > LIMITS.maxMem) return `scrypt N=${N} r=${r} needs more than ${LIMITS.maxMem / 1024 / 1024} MiB per check`;
  if (!BASE64.test(saltText) || !BASE64.test(keyText)) return 'scrypt salt and hash must be base64 or base64url';
  const salt = Buffer.from(saltText, 'base64url');
  const key = Buffer.from(keyText, 'base64url');
  if (salt.length < LIMITS.minSalt || salt.length > LIMITS.maxSalt) return `scrypt salt must be ${LIMITS.minSalt}–${LIMITS.maxSalt} bytes, got ${salt.length}`;
  if (key.length < LIMITS.minKey || key.length > LIMITS.maxKey) return `scrypt hash must be ${LIMITS.minKey}–${LIMITS.maxKey} bytes, got ${key.length}`;
  return { kind: 'scrypt', N, r, p, salt, key };
}

/** A hash of a random password, checked against when a user does not exist, so timing does not reveal which names do. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}
