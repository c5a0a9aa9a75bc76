import type { Clock } from '../clock';
import { sha256 } from '../crypto-utils';
import type { Store } from '../store';
import { scrub } from './failure-log';
import { BufferedRing } from './buffered-ring';
import { StoreRing } from './store-ring';

/** The two endpoints whose callers tell us how the Alexa console is configured. */
export type ObservedEndpoint = 'authorize' | 'token';

/** What one request showed: the client id it claimed and the redirect URI it named (either may be absent). */
export interface Sighting {
  clientId?: string | undefined;
  redirectUri?: string | undefined;
}

/** Traffic of one registered value at one endpoint. */
export interface ValueTraffic {
  value: string;
  authorize: { count: number; lastSeen: number | undefined };
  token: { count: number; lastSeen: number | undefined };
}

/** A value that is not registered here, as a caller sent it. */
export interface UnrecognisedValue {
  at: number;
  endpoint: ObservedEndpoint;
  kind: 'client_id' | 'redirect_uri';
  value: string;
}

export interface TrafficSummary {
  clients: ValueTraffic[];
  redirectUris: ValueTraffic[];
  unrecognised: UnrecognisedValue[];
}

/** Counts restart after this window: what matters is "never seen" and "last seen", not a lifetime total. */
const WINDOW_MS = 30 * 86_400_000;
const UNRECOGNISED_KEPT = 50;
const FLUSH_AFTER_MS = 5000;

/**
 * Records which client ids and redirect URIs the authorization and token endpoints see, in the store.
 * Registered values get a counter and a last-seen time each (a fixed, small set of keys); anything else
 * goes to a capped ring, so callers sending random values cannot grow the store.
 */
export class TrafficLog {
  private readonly unrecognised: BufferedRing<UnrecognisedValue>;
  private readonly pending = new Map<string, { count: number; last: number }>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Store keys of the registered values, worked out once: the token path then hashes nothing. */
  private readonly registeredKeys = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly registered: { clientIds: readonly string[]; redirectUris: readonly string[] },
  ) {
    // Unrecognised values are batched too: a stranger sending a new client id per request costs no write each.
    this.unrecognised = new BufferedRing(new StoreRing(store, 'unrecognised', UNRECOGNISED_KEPT), () => undefined);
    for (const endpoint of ['authorize', 'token'] as const) {
      for (const [kind, values] of [
        ['client_id', registered.clientIds],
        ['redirect_uri', registered.redirectUris],
      ] as const) {
        for (const value of values) this.registeredKeys.set(lookupKey(endpoint, kind, value), counterKey(endpoint, kind, value));
      }
    }
  }

  /**
   * Records what one request showed. Registered values are counted in memory and written in one batch
   * a few seconds later, so the token endpoint's hot path gains no store round trip; unrecognised values
   * go to the ring a second later in a batch (BufferedRing). Never touches the store itself.
   */
  async record(endpoint: ObservedEndpoint, sighting: Sighting): Promise<void> {
    for (const [kind, value] of [
      ['client_id', sighting.clientId],
      ['redirect_uri', sighting.redirectUri],
    ] as const) {
      if (value === undefined || value === '') continue;
      const key = this.registeredKeys.get(lookupKey(endpoint, kind, value));
      if (key !== undefined) {
        const pending = this.pending.get(key);
        if (pending) {
          pending.count += 1;
          pending.last = this.clock.now();
        } else this.pending.set(key, { count: 1, last: this.clock.now() });
        this.scheduleFlush();
      } else {
        this.unrecognised.push({ at: this.clock.now(), endpoint, kind, value: scrub(value).slice(0, 300) });
      }
    }
  }

  /** Writes the counts gathered since the last flush (the summary calls it, so a reader sees its own process's traffic). */
  async flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    await Promise.all(
      batch.map(([key, { count, last }]) => Promise.all([this.store.increment(key, WINDOW_MS, count), this.store.set(`${key}:last`, String(last), WINDOW_MS)])),
    );
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      // A failed flush loses a few counts of an approximate statistic; the next one carries on.
      this.flush().catch(() => undefined);
    }, FLUSH_AFTER_MS);
    this.flushTimer.unref();
  }

  /** Every registered value with its traffic at both endpoints, and the latest unrecognised values. */
  async summary(): Promise<TrafficSummary> {
    await this.flush();
    const traffic = (kind: 'client_id' | 'redirect_uri', values: readonly string[]) =>
      Promise.all(
        values.map(async (value): Promise<ValueTraffic> => ({
          value,
          authorize: await this.read('authorize', kind, value),
          token: await this.read('token', kind, value),
        })),
      );
    return {
      clients: await traffic('client_id', this.registered.clientIds),
      redirectUris: await traffic('redirect_uri', this.registered.redirectUris),
      unrecognised: (await this.unrecognised.recent()).map(({ entry }) => entry),
    };
  }

  private async read(endpoint: ObservedEndpoint, kind: 'client_id' | 'redirect_uri', value: string): Promise<{ count: number; lastSeen: number | undefined }> {
    const key = counterKey(endpoint, kind, value);
    const [count, last] = await Promise.all([this.store.get(key), this.store.get(`${key}:last`)]);
    return { count: Number(count ?? '0'), lastSeen: last === null ? undefined : Number(last) };
  }
}

function lookupKey(endpoint: ObservedEndpoint, kind: string, value: string): string {
  return `${endpoint}\u0000${kind}\u0000${value}`;
}

function counterKey(endpoint: ObservedEndpoint, kind: string, value: string): string {
  return `ops:seen:${endpoint}:${kind}:${sha256(value)}`;
}
