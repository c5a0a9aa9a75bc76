import { BENCH_CLIENT_ID, BENCH_REDIRECT_URI, BENCH_SCOPE } from '../lib/constants';
import { ENTRIES } from '../lib/compile';
import { mintMany, startOurService } from './our-service';
import { startPeer } from './peer-service';
import { codeExchangePlan, refreshChainPlan } from './token-requests';
import type { BenchCase, CaseContext, StartedCase } from './types';
import { refreshTokenPool } from './token-pools';

/** Our token endpoint (helper A's route). */
export const OUR_TOKEN_PATH = '/oauth/token';
const PEER_TOKEN_PATH = '/token';
/** Minting over IPC in slices keeps each message a few MB at most. */
const PEER_MINT_SLICE = 20_000;

function ourRefreshCase(logLevel?: string): BenchCase {
  return {
    id: logLevel ? `ours.refresh-${logLevel}` : 'ours.refresh',
    title: `Linkwright refresh (rotation, Redis, ES256 JWT)${logLevel ? `, LOG_LEVEL=${logLevel} as production runs it` : ''}`,
    kind: 'ours',
    group: 'refresh',
    byDefault: true,
    start: async (context) => {
      const ours = await startOurService(context, { verifySignature: false }, logLevel ? { logLevel } : {});
      return {
        server: ours.server,
        storePid: ours.storePid,
        url: ours.url,
        close: ours.close,
        plan: async (connections) => {
          const pool = await refreshTokenPool(ours, connections, 'bench-user');
          return refreshChainPlan(OUR_TOKEN_PATH, pool);
        },
      };
    },
  };
}

/** Case 1: our refresh_token grant with rotation on Redis, JWT (ES256) access tokens. */
export const ourRefresh = ourRefreshCase();
/** The same at the production log level (one JSON line per request), beside the quiet one. */
export const ourRefreshInfo = ourRefreshCase('info');

/** Case 2: our authorization_code grant, each request redeeming a pre-minted code. */
export const ourCode: BenchCase = {
  id: 'ours.code',
  title: 'Linkwright code exchange (Redis, ES256 JWT)',
  kind: 'ours',
  group: 'code',
  byDefault: true,
  start: async (context) => {
    const ours = await startOurService(context, { verifySignature: false });
    let user = 0;
    return {
      server: ours.server,
      storePid: ours.storePid,
      url: ours.url,
      close: ours.close,
      plan: async (_connections, expectedRequests) => {
        const codes = await mintMany(expectedRequests, () =>
          ours.domain.codes.issue({ clientId: BENCH_CLIENT_ID, redirectUri: BENCH_REDIRECT_URI, userId: `bench-user-${(user += 1)}`, scope: BENCH_SCOPE }),
        );
        return codeExchangePlan(OUR_TOKEN_PATH, codes);
      },
    };
  },
};

async function startOidcProvider(context: CaseContext, format: 'jwt' | 'opaque', quickstart = false): Promise<StartedCase & { mint(method: string, count: number): Promise<string[]> }> {
  const env = { PEER_ACCESS_TOKEN_FORMAT: format, PEER_DEFAULTS: quickstart ? 'quickstart' : 'tuned' };
  const { server, url } = await startPeer(context, `oidc-provider (${format})`, ENTRIES.oidcProvider, env);
  const mint = async (method: string, count: number): Promise<string[]> => {
    await server.call('reset');
    const out: string[] = [];
    for (let done = 0; done < count; done += PEER_MINT_SLICE) out.push(...(await server.call<string[]>(method, Math.min(PEER_MINT_SLICE, count - done))));
    return out;
  };
  return { server, url, close: () => server.stop(), mint, plan: () => Promise.reject(new Error('no plan')) };
}

function oidcRefresh(format: 'jwt' | 'opaque', byDefault: boolean): BenchCase {
  return {
    id: `oidc.refresh-${format}`,
    title: `oidc-provider 9 refresh (rotation, in-memory, ${format === 'jwt' ? 'ES256 JWT' : 'opaque'})`,
    kind: 'peer',
    group: 'refresh',
    byDefault,
    start: async (context) => {
      const peer = await startOidcProvider(context, format);
      return { ...peer, plan: async (connections) => refreshChainPlan(PEER_TOKEN_PATH, await peer.mint('mintRefreshTokens', connections)) };
    },
  };
}

/** Case 4 (peer): node-oidc-provider's refresh with rotation and JWT access tokens — the target's yardstick. */
export const oidcRefreshJwt = oidcRefresh('jwt', true);
/** Reference: the same with opaque access tokens (no signature, one more store write). */
export const oidcRefreshOpaque = oidcRefresh('opaque', true);

/**
 * Reference (named only): the refresh as a quick start runs it — the bundled development adapter
 * and RS256 JWTs — to set beside the tuned peer (figures measured earlier for issue 6 used these).
 */
export const oidcRefreshQuickstart: BenchCase = {
  id: 'oidc.refresh-jwt-quickstart',
  title: 'oidc-provider 9 refresh (rotation, bundled dev adapter, RS256 JWT)',
  kind: 'peer',
  group: 'refresh',
  byDefault: false,
  start: async (context) => {
    const peer = await startOidcProvider(context, 'jwt', true);
    return { ...peer, plan: async (connections) => refreshChainPlan(PEER_TOKEN_PATH, await peer.mint('mintRefreshTokens', connections)) };
  },
};

/** Case 4 (peer): node-oidc-provider's code exchange with JWT access tokens. */
export const oidcCode: BenchCase = {
  id: 'oidc.code',
  title: 'oidc-provider 9 code exchange (in-memory, ES256 JWT)',
  kind: 'peer',
  group: 'code',
  byDefault: true,
  start: async (context) => {
    const peer = await startOidcProvider(context, 'jwt');
    return { ...peer, plan: async (_connections, expectedRequests) => codeExchangePlan(PEER_TOKEN_PATH, await peer.mint('mintCodes', expectedRequests)) };
  },
};

/** Starts the @node-oauth/oauth2-server peer; its pools are minted in the child over IPC. */
async function startNodeOauth2Server(context: CaseContext): Promise<{ started: Omit<StartedCase, 'plan'>; mint(method: string, count: number): Promise<string[]> }> {
  const { server, url } = await startPeer(context, '@node-oauth/oauth2-server', ENTRIES.nodeOauth2Server);
  const mint = async (method: string, count: number): Promise<string[]> => {
    await server.call('reset');
    const out: string[] = [];
    for (let done = 0; done < count; done += PEER_MINT_SLICE) out.push(...(await server.call<string[]>(method, Math.min(PEER_MINT_SLICE, count - done))));
    return out;
  };
  return { started: { server, url, close: () => server.stop() }, mint };
}

/** Peer: @node-oauth/oauth2-server 5 refresh (rotation, in-memory model, ES256 JWT) behind express 5. */
export const oauth2ServerRefresh: BenchCase = {
  id: 'oauth2-server.refresh',
  title: '@node-oauth/oauth2-server 5 refresh (rotation, in-memory, ES256 JWT, express 5)',
  kind: 'peer',
  group: 'refresh',
  byDefault: true,
  start: async (context) => {
    const peer = await startNodeOauth2Server(context);
    return { ...peer.started, plan: async (connections) => refreshChainPlan(PEER_TOKEN_PATH, await peer.mint('mintRefreshTokens', connections)) };
  },
};

/** Peer: @node-oauth/oauth2-server 5 code exchange (in-memory model, ES256 JWT) behind express 5. */
export const oauth2ServerCode: BenchCase = {
  id: 'oauth2-server.code',
  title: '@node-oauth/oauth2-server 5 code exchange (in-memory, ES256 JWT, express 5)',
  kind: 'peer',
  group: 'code',
  byDefault: true,
  start: async (context) => {
    const peer = await startNodeOauth2Server(context);
    return { ...peer.started, plan: async (_connections, expected) => codeExchangePlan(PEER_TOKEN_PATH, await peer.mint('mintCodes', expected)) };
  },
};
