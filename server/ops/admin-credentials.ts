import { verifyPassword } from '../accounts/passwords';
import { safeEqual } from '../crypto-utils';
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

/**
 * Caps operator sign-in attempts per client address (IPv6 per /64) and, ten times higher, in total, per
 * window. Attempts are counted before the password is checked, so parallel guesses cannot slip past.
 */
export class AdminLoginLimiter {
  constructor(
    private readonly store: Store,
    private readonly maxPerAddress: number,
    private readonly windowSec: number,
  ) {}

  /** Counts one attempt; true when it is over a limit (then the password must not be checked). */
  async overLimit(address: string): Promise<boolean> {
    const ttlMs = this.windowSec * 1000;
    const [byAddress, total] = await Promise.all([
      this.store.increment(`ops-login:address:${addressBucket(address)}`, ttlMs),
      this.store.increment('ops-login:total', ttlMs),
    ]);
    return byAddress > this.maxPerAddress || total > this.maxPerAddress * 10;
  }
}
