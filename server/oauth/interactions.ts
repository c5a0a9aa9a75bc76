import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto-utils';
import type { Store } from '../store';
import type { AuthorizationRequest } from './authorization-request';

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

/** A stored interaction with the exact text read, for compare-and-set updates. */
export interface LoadedInteraction {
  id: string;
  raw: string;
  interaction: Interaction;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/** Interactions in the store, keyed by a hash of their id (the id itself is a bearer secret). */
export class Interactions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly ttlSec: number,
  ) {}

  /** Starts an interaction for a validated request, bound to the browser whose cookie hash is given. */
  async create(request: AuthorizationRequest, browserHash: string): Promise<LoadedInteraction> {
    const id = randomToken(32);
    const now = this.clock.now();
    const interaction: Interaction = { request, csrf: randomToken(32), browser: browserHash, createdAt: now, expiresAt: now + this.ttlSec * 1000 };
    const raw = JSON.stringify(interaction);
    await this.store.set(key(id), raw, this.ttlSec * 1000);
    return { id, raw, interaction };
  }

  /** The live interaction with this id, or undefined when it is unknown, malformed or expired. */
  async load(id: string | undefined): Promise<LoadedInteraction | undefined> {
    if (id === undefined || !ID.test(id)) return undefined;
    const raw = await this.store.get(key(id));
    if (raw === null) return undefined;
    const interaction = JSON.parse(raw) as Interaction;
    if (interaction.expiresAt <= this.clock.now()) return undefined;
    return { id, raw, interaction };
  }

  /**
   * Replaces the interaction only if it is still exactly what was loaded, so two posts racing on one
   * interaction cannot both act on it. `ttlMs` shortens the remaining lifetime when given.
   */
  async update(loaded: LoadedInteraction, next: Interaction, ttlMs?: number): Promise<boolean> {
    const remaining = loaded.interaction.expiresAt - this.clock.now();
    const lifetime = Math.min(remaining, ttlMs ?? remaining);
    if (lifetime <= 0) return false;
    const expiresAt = this.clock.now() + lifetime;
    return this.store.compareAndSet(key(loaded.id), loaded.raw, JSON.stringify({ ...next, expiresAt }), lifetime);
  }

  /** A fresh CSRF token, for when the interaction changes hands (after sign-in, after "use another account"). */
  static newCsrf(): string {
    return randomToken(32);
  }
}

function key(id: string): string {
  return `interaction:${sha256(id)}`;
}
