/**
 * Peer: node-oidc-provider 9 as a user would set it up for Alexa, standalone on node:http (its
 * fastest mounting). Refresh tokens rotate on every use; access tokens are JWTs signed with ES256
 * (the same algorithm as ours) through a resource indicator, or opaque when
 * PEER_ACCESS_TOKEN_FORMAT=opaque. PEER_DEFAULTS=quickstart keeps what a quick start gets instead:
 * the bundled development adapter (an LRU of 1,000 entries) and RS256 JWTs. The bench mints codes and refresh tokens through its models
 * before each run (`mintCodes`, `mintRefreshTokens`), so the measured requests are the grants only.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { BENCH_CLIENT_ID, BENCH_CLIENT_SECRET, BENCH_REDIRECT_URI, BENCH_SCOPE } from '../lib/constants';
import { serveChild } from './child';

const RESOURCE = 'https://api.linkwright.bench/';
const TOKEN_SCOPE = `offline_access ${BENCH_SCOPE}`;
const DAY = 86_400;

interface Stored {
  payload: AdapterPayload;
  /** Epoch ms; Infinity when the record does not expire. */
  expiresAt: number;
}

/**
 * An unbounded in-memory adapter. The one oidc-provider bundles is a development LRU capped at 1,000
 * entries, which would evict pre-minted codes mid-run; this one keeps everything in a Map, with no
 * serialisation and no network: a generous peer (ours pays for a Redis round trip on every step).
 */
class MapAdapter implements Adapter {
  private static readonly records = new Map<string, Stored>();
  private static readonly byGrant = new Map<string, Set<string>>();

  constructor(private readonly model: string) {}

  /** Forgets every record: each run mints its own pool, and old runs' tokens would only fatten the heap. */
  static clear(): void {
    MapAdapter.records.clear();
    MapAdapter.byGrant.clear();
  }

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
    const key = this.key(id);
    MapAdapter.records.set(key, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (payload.grantId) {
      let members = MapAdapter.byGrant.get(payload.grantId);
      if (!members) MapAdapter.byGrant.set(payload.grantId, (members = new Set()));
      members.add(key);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const key = this.key(id);
    const stored = MapAdapter.records.get(key);
    if (!stored) return undefined;
    if (stored.expiresAt <= Date.now()) {
      MapAdapter.records.delete(key);
      return undefined;
    }
    return stored.payload;
  }

  async findByUid(): Promise<AdapterPayload | undefined> {
    return undefined; // Sessions are not used: the bench never logs anyone in interactively.
  }

  async findByUserCode(): Promise<AdapterPayload | undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const stored = MapAdapter.records.get(this.key(id));
    if (stored) stored.payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    MapAdapter.records.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of MapAdapter.byGrant.get(grantId) ?? []) MapAdapter.records.delete(key);
    MapAdapter.byGrant.delete(grantId);
  }
}

async function main(): Promise<void> {
  const { default: Provider } = await import('oidc-provider');
  const port = Number(process.env.PORT);
  const format = process.env.PEER_ACCESS_TOKEN_FORMAT === 'opaque' ? 'opaque' : 'jwt';
  const quickstart = process.env.PEER_DEFAULTS === 'quickstart';
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  // ID tokens default to RS256, so the provider refuses to start without an RSA key, even unused.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const provider = new Provider(`http://127.0.0.1:${port}`, {
    ...(quickstart ? {} : { adapter: MapAdapter }),
    clients: [
      {
        client_id: BENCH_CLIENT_ID,
        client_secret: BENCH_CLIENT_SECRET,
        redirect_uris: [BENCH_REDIRECT_URI],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...ec, alg: 'ES256', use: 'sig', kid: 'bench-es256' }, { ...rsa, alg: 'RS256', use: 'sig', kid: 'bench-rs256' }] },
    findAccount: (_ctx: unknown, accountId: string) => ({ accountId, claims: () => ({ sub: accountId }) }),
    rotateRefreshToken: true,
    pkce: { required: () => false },
    ttl: { AccessToken: 3600, AuthorizationCode: 600, RefreshToken: 180 * DAY, Grant: 180 * DAY },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: BENCH_SCOPE,
          audience: RESOURCE,
          accessTokenTTL: 3600,
          accessTokenFormat: format,
          ...(format === 'jwt' ? { jwt: { sign: { alg: quickstart ? 'RS256' : 'ES256' } } } : {}),
        }),
      },
    },
  });

  const client = await provider.Client.find(BENCH_CLIENT_ID);
  if (!client) throw new Error('the bench client was not registered');

  let serial = 0;
  const newGrant = async (): Promise<{ grantId: string; accountId: string }> => {
    const accountId = `bench-user-${(serial += 1)}`;
    const grant = new provider.Grant({ accountId, clientId: BENCH_CLIENT_ID });
    grant.addOIDCScope('offline_access');
    grant.addResourceScope(RESOURCE, BENCH_SCOPE);
    return { grantId: await grant.save(), accountId };
  };

  await serveChild(createServer(provider.callback()), {
    /** Drops the previous runs' grants and tokens before a new pool is minted (ours keeps them in Redis, off-heap). */
    reset: (): boolean => {
      MapAdapter.clear();
      return true;
    },
    /** `count` authorization codes bound to the bench client and redirect URI, each with its own grant. */
    mintCodes: async (count: number): Promise<string[]> => {
      const codes: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const { grantId, accountId } = await newGrant();
        const code = new provider.AuthorizationCode({ accountId, grantId, client, redirectUri: BENCH_REDIRECT_URI, scope: TOKEN_SCOPE, resource: RESOURCE });
        codes.push(await code.save());
      }
      return codes;
    },
    /** `count` refresh tokens as a code exchange would have issued them, each with its own grant. */
    mintRefreshTokens: async (count: number): Promise<string[]> => {
      const tokens: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const { grantId, accountId } = await newGrant();
        const token = new provider.RefreshToken({ accountId, grantId, client, scope: TOKEN_SCOPE, resource: RESOURCE, gty: 'authorization_code', rotations: 0 });
        tokens.push(await token.save());
      }
      return tokens;
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
