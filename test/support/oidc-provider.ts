import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export const UPSTREAM_CLIENT_ID = 'linkwright-upstream-test';
export const UPSTREAM_CLIENT_SECRET = 'upstream-test-secret-0123456789abcdefghijklmnop';

/** The settings of a service whose accounts sign in at `issuer` (LOGIN_SOURCE=oidc) as the test client. */
export function upstreamLoginEnv(issuer: string, name = 'Company SSO'): Record<string, string> {
  return {
    LOGIN_SOURCE: 'oidc',
    LOGIN_UPSTREAM_ISSUER: issuer,
    LOGIN_UPSTREAM_CLIENT_ID: UPSTREAM_CLIENT_ID,
    LOGIN_UPSTREAM_CLIENT_SECRET: UPSTREAM_CLIENT_SECRET,
    LOGIN_UPSTREAM_NAME: name,
    LOGIN_UPSTREAM_TIMEOUT_MS: '1000',
  };
}

/** The parts of oidc-provider's Koa API the harness uses (its types are not installed). */
interface KoaContext {
  path: string;
  method: string;
  body: unknown;
  status: number;
  get(header: string): string;
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
  /** The algorithm JWT access tokens are signed with (the provider holds an RSA and an EC key). */
  accessTokenAlg: 'RS256' | 'ES256';
  /** Answer the key endpoint with this status instead of the keys (a provider whose JWKS fails). */
  jwksStatus?: number | undefined;
  /**
   * Answer userinfo with this instead of node-oidc-provider's own answer, which refuses every token
   * whose audience is an API. Providers such as Auth0 do answer such tokens (their access tokens name
   * both the API and userinfo); `delayMs` makes a slow one.
   */
  userinfo?: { status: number; body?: unknown; delayMs?: number } | undefined;
}

/** A signing key of the provider: its private JWK (kid and alg set), also usable by a test to sign. */
export interface ProviderKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: KeyObject;
  /** The private JWK the provider is configured with. */
  jwk: Record<string, unknown>;
}

/** A fresh RSA (RS256) or P-256 (ES256) signing key for the provider. */
export function providerKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): ProviderKey {
  const generated = alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Re-imported so no key object shares data with the generation job: on Node 20, GC finalizing that job while a
  // signer reads the key's details deadlocked the whole suite (seen in a full run: uv_mutex_lock in ~KeyGenJob).
  const privateKey = createPrivateKey(generated.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  return { kid, alg, privateKey, jwk: { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } };
}

export interface TestOidcProvider {
  issuer: string;
  behaviour: ProviderBehaviour;
  /** Display names the provider reports, by login; others get "User <login>". */
  names: Map<string, string>;
  /** Token requests the provider received. */
  tokenRequests: number;
  /** Requests for its keys (jwks_uri) it received. */
  jwksRequests: number;
  /** The Authorization header of each userinfo request it received. */
  userinfoRequests: Array<string | undefined>;
  /** The keys it signs with (the first of each algorithm signs). */
  keys: ProviderKey[];
  /** Replaces the provider's keys (rotation, removal) on the same issuer; sessions start afresh. */
  rotateKeys(keys: ProviderKey[]): void;
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
export async function startOidcProvider(options: { redirectUri: string; idTokenAlg?: 'RS256' | 'HS256'; resourceServers?: string[]; keys?: ProviderKey[]; port?: number }): Promise<TestOidcProvider> {
  const resourceServers = options.resourceServers ?? [];
  const server: Server = createServer();
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const names = new Map<string, string>();
  const stalled: ServerResponse[] = [];
  const timers: NodeJS.Timeout[] = [];
  const harness: TestOidcProvider = {
    issuer,
    behaviour: { withoutPkce: false, stallToken: false, accessTokenAlg: 'RS256' },
    names,
    tokenRequests: 0,
    jwksRequests: 0,
    userinfoRequests: [],
    keys: options.keys ?? [providerKey('test-rsa'), providerKey('test-ec', 'ES256')],
    rotateKeys: (keys) => {
      harness.keys = keys;
      handle = build(keys);
    },
    jwksUrl: `${issuer}/jwks`,
    userinfoUrl: `${issuer}/me`,
    accessTokenFor: (login, resource) => accessTokenFor(issuer, options.redirectUri, login, resource),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
  const build = (keys: ProviderKey[]) => {
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
      enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256', 'HS256'] },
      features: {
        // Each configured API gets JWT access tokens with itself as the audience (RFC 8707, RFC 9068).
        resourceIndicators: {
          enabled: true,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            // Only the configured APIs; anything else fails the request (the tests never ask for one).
            if (!resourceServers.includes(resource)) throw new Error(`unknown resource ${resource}`);
            return { scope: API_SCOPE, audience: resource, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: harness.behaviour.accessTokenAlg } } };
          },
        },
      },
      // The user's name rides in the access token too, as an API's tokens often carry it.
      extraTokenClaims: (_ctx: unknown, token: { accountId?: string }) => (token.accountId ? { name: names.get(token.accountId) ?? `User ${token.accountId}` } : undefined),
      claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
      cookies: { keys: ['test-provider-cookie-key-0123456789'] },
      jwks: { keys: keys.map((key) => key.jwk) },
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
      if (ctx.path === '/jwks') {
        harness.jwksRequests += 1;
        if (harness.behaviour.jwksStatus !== undefined) {
          ctx.status = harness.behaviour.jwksStatus;
          ctx.body = 'key endpoint failing';
          return;
        }
      }
      if (ctx.path === '/me') {
        harness.userinfoRequests.push(ctx.get('authorization') || undefined);
        const scripted = harness.behaviour.userinfo;
        if (scripted) {
          if (scripted.delayMs) await new Promise<void>((done) => timers.push(setTimeout(done, scripted.delayMs)));
          ctx.status = scripted.status;
          ctx.body = scripted.body ?? '';
          return;
        }
      }
      await next();
      if (ctx.path === '/.well-known/openid-configuration' && harness.behaviour.withoutPkce && typeof ctx.body === 'object' && ctx.body !== null) {
        delete (ctx.body as Record<string, unknown>).code_challenge_methods_supported;
      }
    });
    return provider.callback();
  };
  let handle = build(harness.keys);
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

/** The requests of a browser the tests drive over HTTP (test/server/oauth/flow-helpers.ts's Browser). */
interface ProviderVisitor {
  get(url: string): Promise<Response>;
  postForm(url: string, fields: Record<string, string>): Promise<Response>;
}

/**
 * Walks the provider's own sign-in pages over HTTP (any password; the login becomes `sub`), or
 * cancels there (`abort`: the provider answers error=access_denied), and returns where the provider
 * sends the browser back (our callback), without following it.
 */
export async function signInAtProvider(browser: ProviderVisitor, authorizationUrl: URL, login: string, action: 'login' | 'abort' = 'login'): Promise<URL> {
  let url = authorizationUrl.href;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await browser.get(url);
    const location = response.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.pathname === '/oauth/upstream/callback') return next;
      url = next.href;
      continue;
    }
    const page = await response.text();
    if (response.status !== 200) throw new Error(`the provider answered ${response.status} at ${url}: ${page.slice(0, 500)}`);
    if (action === 'abort') {
      url = new URL(/href="([^"]*\/abort)"/.exec(page)?.[1] as string, url).href;
      continue;
    }
    const formAction = /<form[^>]*action="([^"]+)"/.exec(page)?.[1] as string;
    const prompt = /name="prompt" value="([a-z]+)"/.exec(page)?.[1] as string;
    const posted = await browser.postForm(new URL(formAction, url).href, prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt });
    url = new URL(posted.headers.get('location') as string, url).href;
  }
  throw new Error('the provider did not send the browser back');
}
