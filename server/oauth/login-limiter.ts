import { isIPv4, isIPv6 } from 'node:net';
import { sha256 } from '../crypto-utils';
import type { Store } from '../store';
import { normaliseUsername } from '../accounts/directory';

export interface LoginLimits {
  /** Wrong passwords for one account from one address (IPv6 /64) per window. */
  maxPerAccount: number;
  /** Wrong passwords from one address, whatever the account, per window. */
  maxPerAddress: number;
  windowSec: number;
  /** How long an attempt waits once its account is over the account-wide threshold (default 1 s). */
  slowDownMs?: number;
}

/** Which budget an attempt was over: its address's, or its account's from that address. */
export type LimitHit = 'account' | 'address';

/** Failures on one account from all addresses after which attempts are slowed, as a multiple of maxPerAccount. */
const ACCOUNT_WIDE_FACTOR = 20;

/**
 * Keeps password guessing out without handing anyone a switch to lock a user out. Security choice:
 * no budget is per account alone. Guesses are refused per address (IPv6 per /64) and per account from
 * that address, so an attacker exhausts only budgets the real owner, signing in from elsewhere, does
 * not share; an account-wide count, twenty times higher, only slows every attempt on that account
 * (a distributed guesser gets fewer guesses per second, the owner still gets in). Attempts are counted
 * before the password is checked, so N concurrent guesses cannot slip past a limit of M < N; a
 * successful sign-in is refunded and clears its account's counts.
 */
export class LoginLimiter {
  private readonly slowDownMs: number;

  constructor(
    private readonly store: Store,
    private readonly limits: LoginLimits,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.slowDownMs = limits.slowDownMs ?? 1000;
  }

  /**
   * Counts one attempt; returns the limit it exceeds, if any (then the password must not be checked).
   * Resolves late when the account is over its account-wide threshold.
   */
  async attempt(username: string, address: string): Promise<LimitHit | undefined> {
    const ttlMs = this.limits.windowSec * 1000;
    const account = accountId(username);
    const bucket = addressBucket(address);
    const [byAddress, byPair, byAccount] = await Promise.all([
      this.store.increment(addressKey(bucket), ttlMs),
      this.store.increment(pairKey(account, bucket), ttlMs),
      this.store.increment(accountKey(account), ttlMs),
      // Which addresses have counts for this account, so unlock can clear them all.
      this.store.addToSet(bucketsKey(account), bucket, ttlMs),
    ]);
    if (byAddress > this.limits.maxPerAddress) return 'address';
    if (byPair > this.limits.maxPerAccount) return 'account';
    if (byAccount > this.limits.maxPerAccount * ACCOUNT_WIDE_FACTOR) await this.sleep(this.slowDownMs);
    return undefined;
  }

  /** After a successful sign-in: the attempt is not counted against its address, and the account's counts are cleared. */
  async succeeded(username: string, address: string): Promise<void> {
    const bucket = addressBucket(address);
    await Promise.all([this.store.increment(addressKey(bucket), this.limits.windowSec * 1000, -1), this.clearAccount(accountId(username), [bucket])]);
  }

  /** Clears every limit on an account (all addresses' counts for it, and its account-wide count); for operators. */
  async unlock(username: string): Promise<void> {
    const account = accountId(username);
    await this.clearAccount(account, await this.store.members(bucketsKey(account)));
  }

  private async clearAccount(account: string, buckets: string[]): Promise<void> {
    await this.store.delete(accountKey(account), bucketsKey(account), ...buckets.map((bucket) => pairKey(account, bucket)));
  }
}

// Usernames are hashed so the store's keys do not list who is being attacked.
function accountId(username: string): string {
  return sha256(normaliseUsername(username));
}

function accountKey(account: string): string {
  return `login-attempts:account:${account}`;
}

function pairKey(account: string, bucket: string): string {
  return `login-attempts:account:${account}:from:${bucket}`;
}

function bucketsKey(account: string): string {
  return `login-attempts:account-addresses:${account}`;
}

function addressKey(bucket: string): string {
  return `login-attempts:address:${bucket}`;
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
