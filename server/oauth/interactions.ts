import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto-utils';
import type { Store } from '../store';
import type { AuthorizationRequest } from './authorization-request';
import { RequestSeal } from './request-seal';

/**
 * One visit to the authorization pages, from GET /oauth/authorize to the consent answer. It holds
 * the validated request, so nothing the browser posts later can change where the code goes or what
 * it is bound to.
 */
export interface Interaction {
  request: AuthorizationRequest;
  /** Hidden-field token every form post must carry (compared in constant time). */
  csrf: string;
  /** SHA-256 of the browser-binding cookie of the browser that started the interaction. */
  browser: string;
  /** Set once the user has signed in during this interaction. */
  userId?: string;
  /** Set once consent was answered: where the browser was sent (repeated on a double submit). */
  completedRedirect?: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * An interaction as a handler holds it. Before sign-in it is pending: sealed into the page and never
 * stored (`raw` null), so an unauthenticated visitor costs the store nothing; the first successful
 * sign-in stores it under `storedId`. Once stored, `raw` is the exact text read, for compare-and-set.
 */
export interface LoadedInteraction {
  /** What the page's forms carry: the sealed pending interaction, or the stored one's id. */
  id: string;
  /** The id the interaction is (or will be) stored under; the consent page's address names it. */
  storedId: string;
  raw: string | null;
  interaction: Interaction;
}

const ID = /^[A-Za-z0-9_-]{43}$/;
const SEAL_PURPOSE = 'interaction';

/**
 * Interactions: pending ones sealed in the browser, signed-in ones in the store, keyed by a hash of
 * their id (the id itself is a bearer secret).
 */
export class Interactions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ttlSec: number,
    private readonly seal: RequestSeal,
  ) {}

  /**
   * Starts an interaction for a validated request, bound to the browser whose cookie hash is given.
   * Security choice: nothing is stored before sign-in. The validated request, the browser binding and
   * the CSRF token are sealed (AES-GCM, with an expiry) into the page, so a visitor cannot alter what
   * the code will be bound to, another browser cannot use it (the binding cookie must match), and a
   * stream of unauthenticated authorization requests cannot grow the store.
   */
  begin(request: AuthorizationRequest, browserHash: string): LoadedInteraction {
    const now = this.clock.now();
    const interaction: Interaction = { request, csrf: randomToken(32), browser: browserHash, createdAt: now, expiresAt: now + this.ttlSec * 1000 };
    const sealed = this.seal.seal(SEAL_PURPOSE, interaction);
    return { id: sealed, storedId: storedIdOf(sealed), raw: null, interaction };
  }

  /** The live interaction a form or address names, or undefined when it is unknown, altered, malformed or expired. */
  async load(id: string | undefined): Promise<LoadedInteraction | undefined> {
    if (id === undefined) return undefined;
    if (RequestSeal.looksSealed(id)) return this.openPending(id);
    if (!ID.test(id)) return undefined;
    const raw = await this.store.get(key(id));
    if (raw === null) return undefined;
    const interaction = JSON.parse(raw) as Interaction;
    if (interaction.expiresAt <= this.clock.now()) return undefined;
    return { id, storedId: id, raw, interaction };
  }

  /**
   * Replaces the interaction only if it is still exactly what was loaded, so two posts racing on one
   * interaction cannot both act on it; a pending one is stored only if nobody stored it first.
   * `ttlMs` shortens the remaining lifetime when given. True when this call made the change.
   */
  async update(loaded: LoadedInteraction, next: Interaction, ttlMs?: number): Promise<boolean> {
    const remaining = loaded.interaction.expiresAt - this.clock.now();
    const lifetime = Math.min(remaining, ttlMs ?? remaining);
    if (lifetime <= 0) return false;
    const expiresAt = this.clock.now() + lifetime;
    const text = JSON.stringify({ ...next, expiresAt });
    if (loaded.raw === null) return this.store.setIfAbsent(key(loaded.storedId), text, lifetime);
    return this.store.compareAndSet(key(loaded.storedId), loaded.raw, text, lifetime);
  }

  /** A fresh CSRF token, for when the interaction changes hands (after sign-in, after "use another account"). */
  static newCsrf(): string {
    return randomToken(32);
  }

  private openPending(sealed: string): LoadedInteraction | undefined {
    const opened = this.seal.open(SEAL_PURPOSE, sealed);
    if (!isInteraction(opened) || opened.expiresAt <= this.clock.now()) return undefined;
    return { id: sealed, storedId: storedIdOf(sealed), raw: null, interaction: opened };
  }
}

/** A sealed value only this service can make; checked anyway, as the shape a handler relies on. */
function isInteraction(value: unknown): value is Interaction {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Interaction>;
  return typeof candidate.csrf === 'string' && typeof candidate.browser === 'string' && typeof candidate.expiresAt === 'number' && typeof candidate.request?.redirectUri === 'string';
}

/** The id a pending interaction is stored under once signed in: as secret as the sealed value it comes from. */
function storedIdOf(sealed: string): string {
  return sha256(`interaction-id:${sealed}`);
}

function key(id: string): string {
  return `interaction:${sha256(id)}`;
}
