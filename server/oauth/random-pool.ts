import { randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG at once: about 90 token requests' worth of ids, secrets and jtis. */
const POOL_BYTES = 4096;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A random URL-safe token with `bytes` bytes of entropy, like randomToken (server/crypto-utils.ts), for
 * the token endpoint's hot path: the bytes come from a buffer the CSPRNG refills 4 kB at a time (as
 * node's randomUUID does) instead of one system call per token, which cost more than the rest of a
 * refresh's bookkeeping. Every byte is handed out once and wiped from the buffer as it is used.
 */
export function pooledRandomToken(bytes: number): string {
  if (bytes > POOL_BYTES) throw new RangeError(`pooledRandomToken serves at most ${POOL_BYTES} bytes`);
  if (offset + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  pool.fill(0, offset, offset + bytes);
  offset += bytes;
  return token;
}
