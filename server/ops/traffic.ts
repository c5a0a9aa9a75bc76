import type { Clock } from '../clock';
import { sha256 } from '../crypto-utils';
import type { Store } from '../store';
import { scrub } from './failure-log';
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

/**
 * Records which client ids and redirect URIs the authorization and token endpoints see, in the store.
 * Registered values get a counter and a last-seen time each (a fixed, small set of keys); anything else
 * goes to a capped ring, so callers sending random values cannot grow the store.
 */
export class TrafficLog {
  private readonly unrecognised: StoreRing<UnrecognisedValue>;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly registered: { clientIds: readonly string[]; redirectUris: readonly string[] },
  ) {
    this.unrecognised = new StoreRing(store, 'unrecognised', UNRECOGNISED_KEPT);
  }

  /** Records what one request showed; throws when the store is down. */
  async record(endpoint: ObservedEndpoint, sighting: Sighting): Promise<void> {
    const writes: Array<Promise<unknown>> = [];
    for (const [kind, value, known] of [
      ['client_id', sighting.clientId, this.registered.clientIds],
      ['redirect_uri', sighting.redirectUri, this.registered.redirectUris],
    ] as const) {
      if (value === undefined || value === '') continue;
      if (known.includes(value)) {
        const key = counterKey(endpoint, kind, value);
        writes.push(this.store.increment(key, WINDOW_MS), this.store.set(`${key}:last`, String(this.clock.now()), WINDOW_MS));
      } else {
        writes.push(this.unrecognised.append({ at: this.clock.now(), endpoint, kind, value: scrub(value).slice(0, 300) }));
      }
    }
    await Promise.all(writes);
  }

  /** Every registered value with its traffic at both endpoints, and the latest unrecognised values. */
  async summary(): Promise<TrafficSummary> {
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

function counterKey(endpoint: ObservedEndpoint, kind: string, value: string): string {
  return `ops:seen:${endpoint}:${kind}:${sha256(value)}`;
}
