import type { Clock } from '../server/clock';
import { randomToken, sha256 } from '../server/crypto-utils';
import { s256 } from '../server/oauth/pkce';
import type { Store } from '../server/store';
import type { CryptoBox } from './crypto-box';
import { AppLinkError } from './errors';

/** A linking attempt started from the app, as `complete` finds it. */
export interface LinkState {
  userId: string;
  /** The redirect URI the Amazon consent URLs carried; the LWA exchange must repeat it exactly. */
  redirectUri: string;
  codeVerifier: string;
  createdAt: number;
  expiresAt: number;
}

interface StoredState {
  userId: string;
  redirectUri: string;
  /** The PKCE verifier, sealed: a store dump alone cannot redeem an intercepted Amazon code. */
  verifier: string;
  createdAt: number;
  expiresAt: number;
}

/** How long a consumed state is remembered, so a replay is told "already used" instead of "unknown". */
const SPENT_TTL_MS = 30 * 60_000;
const STATE_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The `state` of app-to-app linking: random (256 bits), stored only as a hash, bound to the user who
 * started, short-lived, and single use. It is taken from the store in one step before any exchange, so
 * two requests racing with the same state cannot both get past this point.
 */
export class LinkStates {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly box: CryptoBox,
    private readonly ttlSec: number,
  ) {}

  /** Starts an attempt for a user: returns the state, the PKCE S256 challenge and when it expires. */
  async create(userId: string, redirectUri: string): Promise<{ state: string; codeChallenge: string; expiresAt: number }> {
    const state = randomToken(32);
    const verifier = randomToken(48);
    const now = this.clock.now();
    const stored: StoredState = {
      userId,
      redirectUri,
      verifier: this.box.seal(verifier, context(state)),
      createdAt: now,
      expiresAt: now + this.ttlSec * 1000,
    };
    // The store TTL outlives the logical expiry a little, so a late return is told "expired", not "unknown".
    await this.store.set(key(state), JSON.stringify(stored), this.ttlSec * 1000 + 5 * 60_000);
    return { state, codeChallenge: s256(verifier), expiresAt: stored.expiresAt };
  }

  /** Reads an attempt without using it up (the browser return page shows whose it is first). */
  async peek(state: string): Promise<LinkState> {
    this.checkFormat(state);
    const raw = await this.store.get(key(state));
    if (raw === null) throw await this.missing(state);
    return this.check(state, raw, undefined);
  }

  /**
   * Uses an attempt up. `userId`, when given, must be the user who started it; a mismatch still burns
   * the state, so a leaked state cannot be tried against other users.
   */
  async consume(state: string, userId: string | undefined): Promise<LinkState> {
    this.checkFormat(state);
    const raw = await this.store.take(key(state));
    if (raw === null) throw await this.missing(state);
    await this.store.set(spentKey(state), '1', SPENT_TTL_MS);
    return this.check(state, raw, userId);
  }

  /**
   * Notes that a used attempt ended linked, for as long as a used one is remembered, so the browser page
   * can show a reload the success. Only the holder of the state (a 256-bit secret) can ask.
   */
  async recordLinked(state: string, userId: string): Promise<void> {
    await this.store.set(spentKey(state), JSON.stringify({ linked: userId }), SPENT_TTL_MS);
  }

  /** The user an already-used attempt was linked for, or undefined (unknown, unused, or it failed). */
  async linkedUser(state: string): Promise<string | undefined> {
    if (!STATE_FORMAT.test(state)) return undefined;
    const raw = await this.store.get(spentKey(state));
    if (raw === null || raw === '1') return undefined;
    try {
      const parsed = JSON.parse(raw) as { linked?: unknown };
      return typeof parsed.linked === 'string' ? parsed.linked : undefined;
    } catch {
      return undefined;
    }
  }

  private check(state: string, raw: string, userId: string | undefined): LinkState {
    const stored = JSON.parse(raw) as StoredState;
    if (stored.expiresAt <= this.clock.now()) throw new AppLinkError('state_expired', 'state past its expiry');
    if (userId !== undefined && stored.userId !== userId) throw new AppLinkError('state_invalid', 'state started by another user');
    let codeVerifier: string;
    try {
      codeVerifier = this.box.open(stored.verifier, context(state));
    } catch (error) {
      throw new AppLinkError('state_invalid', `state verifier unreadable (${(error as Error).message})`);
    }
    return { userId: stored.userId, redirectUri: stored.redirectUri, codeVerifier, createdAt: stored.createdAt, expiresAt: stored.expiresAt };
  }

  private async missing(state: string): Promise<AppLinkError> {
    if ((await this.store.get(spentKey(state))) !== null) return new AppLinkError('state_reused', 'state already consumed');
    return new AppLinkError('state_invalid', 'state unknown');
  }

  private checkFormat(state: string): void {
    if (!STATE_FORMAT.test(state)) throw new AppLinkError('state_invalid', 'state malformed');
  }
}

function key(state: string): string {
  return `app-link-state:${sha256(state)}`;
}

function spentKey(state: string): string {
  return `app-link-state-spent:${sha256(state)}`;
}

function context(state: string): string {
  return `app-link-state:${sha256(state)}`;
}
