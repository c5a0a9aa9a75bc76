import type { Clock } from '../clock';
import { randomToken, sha256 } from '../crypto-utils';
import type { Store } from '../store';

/** A signed-in operator. */
export interface AdminSession {
  username: string;
  /** Hidden-field token every form of the session must carry (synchroniser token, compared in constant time). */
  csrf: string;
  createdAt: number;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Operator sessions in the store, so every instance of the service honours them. The id travels only in
 * an HttpOnly cookie; the store keys a hash of it, so a store dump does not hand out sessions. Each use
 * extends the session by the idle lifetime.
 */
export class AdminSessions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly idleTtlSec: number,
  ) {}

  /** Starts a session and returns its id (for the cookie). */
  async create(username: string): Promise<{ id: string; session: AdminSession }> {
    const id = randomToken(32);
    const session: AdminSession = { username, csrf: randomToken(32), createdAt: this.clock.now() };
    await this.store.set(key(id), JSON.stringify(session), this.idleTtlSec * 1000);
    return { id, session };
  }

  /** The live session with this id, extended by another idle lifetime; undefined when unknown or expired. */
  async use(id: string | undefined): Promise<AdminSession | undefined> {
    if (id === undefined || !ID.test(id)) return undefined;
    const raw = await this.store.get(key(id));
    if (raw === null) return undefined;
    await this.store.set(key(id), raw, this.idleTtlSec * 1000);
    return JSON.parse(raw) as AdminSession;
  }

  /** Ends a session. */
  async end(id: string | undefined): Promise<void> {
    if (id !== undefined && ID.test(id)) await this.store.delete(key(id));
  }
}

function key(id: string): string {
  return `ops-session:${sha256(id)}`;
}
