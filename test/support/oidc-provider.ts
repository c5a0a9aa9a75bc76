import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const UPSTREAM_CLIENT_ID = 'linkwright-upstream-test';
export const UPSTREAM_CLIENT_SECRET = 'upstream-test-secret-0123456789abcdefghijklmnop';

/** The parts of oidc-provider's Koa API the harness uses (its types are not installed). */
interface KoaContext {
  path: string;
  method: string;
  body: unknown;
}
interface KoaApp {
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
}
interface ProviderContext {
  oidc: {
    client?: { clientId: string };
    session?: { accountId?: string };
    provider: { Grant: new (fields: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> } };
  };
}

/** How the provider misbehaves, switched by each test (a real provider, told to act like a worse one). */
export interface ProviderBehaviour {
  /** Drop code_challenge_methods_supported from discovery (a provider without PKCE). */
  withoutPkce: boolean;
  /** Hold token requests without answering (a provider that is slow). */
  stallToken: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  behaviour: ProviderBehaviour;
  /** Display names the provider reports, by login; others get "User <login>". */
  names: Map<string, string>;
  /** Token requests the provider received. */
  tokenRequests: number;
  close(): Promise<void>;
}

/**
 * node-oidc-provider 9 on loopback, with its development sign-in pages (any login and password is
 * accepted; the login becomes the `sub`) and one confidential client whose redirect URI is the given
 * one. `idTokenAlg` registers the client for another ID token algorithm (HS256 tests validation).
 */
export async function startOidcProvider(options: { redirectUri: string; idTokenAlg?: 'RS256' | 'HS256' }): Promise<TestOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const names = new Map<string, string>();
  const stalled: ServerResponse[] = [];
  const harness: TestOidcProvider = {
    issuer,
    behaviour: { withoutPkce: false, stallToken: false },
    names,
    tokenRequests: 0,
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: UPSTREAM_CLIENT_ID,
        client_secret: UPSTREAM_CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
        id_token_signed_response_alg: options.idTokenAlg ?? 'RS256',
      },
    ],
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'HS256'] },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    cookies: { keys: ['test-provider-cookie-key-0123456789'] },
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test-rsa', alg: 'RS256', use: 'sig' }] },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, name: names.get(sub) ?? `User ${sub}`, email: `${sub}@upstream.example` }),
    }),
    // A company's own provider does not ask its users to consent to its own apps.
    loadExistingGrant: async (ctx: ProviderContext) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
  });
  (provider as unknown as KoaApp).use(async (ctx, next) => {
    if (ctx.path === '/token' && ctx.method === 'POST') {
      harness.tokenRequests += 1;
      if (harness.behaviour.stallToken) return new Promise<void>(() => undefined);
    }
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && harness.behaviour.withoutPkce && typeof ctx.body === 'object' && ctx.body !== null) {
      delete (ctx.body as Record<string, unknown>).code_challenge_methods_supported;
    }
  });
  const handle = provider.callback();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (harness.behaviour.stallToken && req.url?.startsWith('/token')) stalled.push(res);
    handle(req, res);
  });
  return harness;
}
