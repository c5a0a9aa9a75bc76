import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
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
    provider: {
      Grant: new (fields: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; addResourceScope(resource: string, scope: string): void; save(): Promise<string> };
    };
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
  /** Where its keys are published (the provider's jwks_uri). */
  jwksUrl: string;
  /** Its userinfo endpoint. */
  userinfoUrl: string;
  /**
   * Signs `login` in through the provider's own pages and redeems the code for an access token for
   * `resource` (one of `resourceServers`): a JWT whose audience is that API, as the company's app
   * would hold. Throws when the provider refuses.
   */
  accessTokenFor(login: string, resource: string): Promise<string>;
  close(): Promise<void>;
}

/** A scope of the resource servers (APIs) the provider issues JWT access tokens for. */
export const API_SCOPE = 'rides';

/**
 * node-oidc-provider 9 on loopback, with its development sign-in pages (any login and password is
 * accepted; the login becomes the `sub`) and one confidential client whose redirect URI is the given
 * one. `idTokenAlg` registers the client for another ID token algorithm (HS256 tests validation).
 */
export async function startOidcProvider(options: { redirectUri: string; idTokenAlg?: 'RS256' | 'HS256'; resourceServers?: string[] }): Promise<TestOidcProvider> {
  const resourceServers = options.resourceServers ?? [];
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
    jwksUrl: `${issuer}/jwks`,
    userinfoUrl: `${issuer}/me`,
    accessTokenFor: (login, resource) => accessTokenFor(issuer, options.redirectUri, login, resource),
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
    features: {
      // Each configured API gets JWT access tokens with itself as the audience (RFC 8707, RFC 9068).
      resourceIndicators: {
        enabled: true,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => {
          // Only the configured APIs; anything else fails the request (the tests never ask for one).
          if (!resourceServers.includes(resource)) throw new Error(`unknown resource ${resource}`);
          return { scope: API_SCOPE, audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
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
      for (const resource of resourceServers) grant.addResourceScope(resource, API_SCOPE);
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

/** A cookie jar of one: every cookie the provider set goes back with every request (paths ignored). */
class Jar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  take(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  }
}

/** The authorization code flow through the provider's development pages, then the code redeemed for `resource`. */
async function accessTokenFor(issuer: string, redirectUri: string, login: string, resource: string): Promise<string> {
  const jar = new Jar();
  const step = async (url: string, init: RequestInit = {}): Promise<string> => {
    const response = jar.take(await fetch(new URL(url, issuer), { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } }));
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) throw new Error(`provider answered ${response.status} at ${url}: ${(await response.text()).slice(0, 300)}`);
    return location;
  };
  const verifier = randomBytes(32).toString('base64url');
  const query = new URLSearchParams({
    client_id: UPSTREAM_CLIENT_ID,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: `openid profile ${API_SCOPE}`,
    resource,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  const interaction = await step(`/auth?${query.toString()}`);
  const resume = await step(interaction, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ prompt: 'login', login, password: 'any password' }).toString(),
  });
  const callback = new URL(await step(resume));
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`provider sent no code: ${callback.href}`);
  const token = await fetch(`${issuer}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${UPSTREAM_CLIENT_ID}:${UPSTREAM_CLIENT_SECRET}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, resource }).toString(),
  });
  const body = (await token.json()) as { access_token?: string; error?: string; error_description?: string };
  if (!body.access_token) throw new Error(`token refused: ${body.error ?? token.status} ${body.error_description ?? ''}`);
  return body.access_token;
}
