import { isIPv4, isIPv6 } from 'node:net';
import { sha256 } from '../crypto-utils';
import type { Store } from '../store';
import { normaliseUsername } from '../accounts/directory';

export interface LoginLimits {
  maxPerAccount: number;
  maxPerAddress: number;
  windowSec: number;
}

export type LimitHit = 'account' | 'address';

/**
 * Caps password guesses per account and per client address within a fixed window. Attempts are
 * counted before the password is checked, so N concurrent guesses cannot slip past a limit of M < N;
 * a successful sign-in clears its account's count (the address count stays).
 */
export class LoginLimiter {
  constructor(
    private readonly store: Store,
    private readonly limits: LoginLimits,
  ) {}

  /** Counts one attempt; returns the limit it exceeds, if any (then the password must not be checked). */
  async attempt(username: string, address: string): Promise<LimitHit | undefined> {
    const ttlMs = this.limits.windowSec * 1000;
    const [byAddress, byAccount] = await Promise.all([
      this.store.increment(addressKey(address), ttlMs),
      this.store.increment(accountKey(username), ttlMs),
    ]);
    if (byAddress > this.limits.maxPerAddress) return 'address';
    if (byAccount > this.limits.maxPerAccount) return 'account';
    return undefined;
  }

  /** Forgets an account's failed attempts after it signed in. */
  async succeeded(username: string): Promise<void> {
    await this.store.delete(accountKey(username));
  }
}

// Usernames are hashed so the store's keys do not list who is being attacked.
function accountKey(username: string): string {
  return `login-attempts:account:${sha256(normaliseUsername(username))}`;
}

function addressKey(address: string): string {
  return `login-attempts:address:${addressBucket(address)}`;
}

/**
 * The unit an address limit applies to: an IPv4 address, or an IPv6 /64 (one subscriber's network
 * usually gets a whole /64, so counting single IPv6 addresses would let one attacker rotate freely).
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (isIPv4(address) || !isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.toLowerCase().padStart(4, '0'))
    .join(':')}::/64`;
}
