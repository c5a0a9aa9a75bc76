import { verifyPassword } from '../accounts/passwords';
import { safeEqual, sha256 } from '../crypto-utils';
import type { Store } from '../store';
import { addressBucket } from '../oauth/login-limiter';
import type { AdminCredentials } from './settings';

/**
 * Checks an operator sign-in against ADMIN_USERNAME/ADMIN_PASSWORD. Both halves are always checked and
 * compared in constant time (safeEqual hashes both sides first; an scrypt hash is verified as such), so
 * neither the timing nor the answer tells which half was wrong.
 */
export async function adminCredentialsMatch(admin: AdminCredentials, username: string, password: string): Promise<boolean> {
  const nameMatches = safeEqual(username.trim().toLowerCase(), admin.username.toLowerCase());
  const passwordMatches = admin.password.startsWith('scrypt$') ? await verifyPassword(password, admin.password) : safeEqual(password, admin.password);
  return nameMatches && passwordMatches;
}

/** How many operator names one address may try, as a multiple of the per-name budget. */
const NAMES_PER_ADDRESS = 3;

/**
 * Caps operator sign-in guesses per client address (IPv6 per /64) and operator name, and three times
 * that per address over all names, per window. Security choice: there is no budget shared by all
 * addresses, so nobody can lock the operators out by failing on purpose; the right password from
 * another address always gets in. Attempts are counted before the password is checked, so parallel
 * guesses cannot slip past; a successful sign-in is refunded and clears its name's count.
 */
export class AdminLoginLimiter {
  constructor(
    private readonly store: Store,
    private readonly maxPerAddress: number,
    private readonly windowSec: number,
  ) {}

  /** Counts one attempt; true when it is over a limit (then the password must not be checked). */
  async overLimit(address: string, username: string): Promise<boolean> {
    const ttlMs = this.windowSec * 1000;
    const bucket = addressBucket(address);
    const [byAddress, byName] = await Promise.all([this.store.increment(addressKey(bucket), ttlMs), this.store.increment(nameKey(bucket, username), ttlMs)]);
    return byName > this.maxPerAddress || byAddress > this.maxPerAddress * NAMES_PER_ADDRESS;
  }

  /** After a successful sign-in: the attempt is not counted against the address, and the name's count is cleared. */
  async succeeded(address: string, username: string): Promise<void> {
    const bucket = addressBucket(address);
    await Promise.all([this.store.increment(addressKey(bucket), this.windowSec * 1000, -1), this.store.delete(nameKey(bucket, username))]);
  }
}

function addressKey(bucket: string): string {
  return `ops-login:address:${bucket}`;
}

// The name is hashed: keys should not list what was tried.
function nameKey(bucket: string, username: string): string {
  return `ops-login:address:${bucket}:name:${sha256(username.trim().toLowerCase())}`;
}
