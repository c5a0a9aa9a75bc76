import { expect } from 'chai';
import nock from 'nock';
import { startTestService, type TestService, type TestServiceOptions } from '../support/service';
import { registerAppClient } from '../support/clients';
import { TEST_VENDOR_ID } from '../support/settings';

export const LWA_CLIENT_ID = 'amzn1.application-oa2-client.0123456789abcdef0123456789abcdef';
export const LWA_CLIENT_SECRET = 'amzn1.oa2-cs.v1.alexa-client-secret-for-tests';
export const SKILL_ID = 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555';
/** 32 bytes, base64: a fixed key so a test can restart the service and still open what it stored. */
export const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export const ALEXA_REDIRECTS = [
  `https://pitangui.amazon.com/api/skill/link/${TEST_VENDOR_ID}`,
  `https://layla.amazon.com/api/skill/link/${TEST_VENDOR_ID}`,
  `https://alexa.amazon.co.jp/api/skill/link/${TEST_VENDOR_ID}`,
] as const;

export const LWA = 'https://api.amazon.com';
export const ALEXA_API = 'https://api.amazonalexa.com';
export const ALEXA_API_EU = 'https://api.eu.amazonalexa.com';
export const ENABLEMENT_PATH = `/v1/users/~current/skills/${SKILL_ID}/enablement`;

/** Settings of a service with app-to-app linking configured; no backoff waits, so retries cost no time. */
export function appLinksEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    LWA_CLIENT_ID,
    LWA_CLIENT_SECRET,
    SKILL_ID,
    SKILL_STAGE: 'development',
    APP_LINKS_ENCRYPTION_KEY: ENCRYPTION_KEY,
    APP_LINKS_RETRY_BASE_MS: '0',
    ...extra,
  };
}

/** Starts the whole service with app-to-app linking configured. */
export function startAppLinksService(options: TestServiceOptions = {}): Promise<TestService> {
  return startTestService({ ...options, env: appLinksEnv(options.env as Record<string, string> | undefined) });
}

/** An account of the company and an access token of ours for it, as the company's app would hold. */
export async function signedInUser(service: TestService, username = `rider-${Math.random().toString(36).slice(2)}@example.com`): Promise<{ userId: string; token: string; familyId: string }> {
  const { accounts, refreshTokens, accessTokens } = service.services;
  registerAppClient(service.services);
  const account = await accounts.create({ username, password: 'correct horse battery staple', displayName: 'Test Rider' });
  // The app's own session is a grant to the company app's client, not to Alexa's.
  const { family } = await refreshTokens.issue({ userId: account.id, clientId: 'company-app', scope: 'profile' });
  const { token } = accessTokens.sign({ userId: account.id, clientId: 'company-app', scope: 'profile', familyId: family.id });
  return { userId: account.id, token, familyId: family.id };
}

/** Lets tests reach the service on loopback while every other host must be a nock interceptor. */
export function isolateNetwork(): void {
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1') || host.startsWith('localhost'));
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every Amazon interceptor of the test was called').to.deep.equal([]);
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}

/** JSON body of a request to the service with a bearer token. */
export async function callApi(service: TestService, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

/** Every raw log line of the service must be free of these secrets. */
export function expectNoSecretsLogged(service: TestService, secrets: string[]): void {
  const all = service.logs.raw.join('\n');
  for (const secret of secrets) expect(all.includes(secret), `a log line contains the secret ${secret.slice(0, 6)}…`).to.equal(false);
}

/** What the service sent to one of Amazon's endpoints. */
export interface SeenRequest {
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

export const AMAZON_TOKENS = { access_token: 'Atza|IwEBIAmazonAccessToken', refresh_token: 'Atzr|IwEBIAmazonRefreshToken', token_type: 'bearer', expires_in: 3600 };

/** LWA's token endpoint answering once; form bodies are recorded parsed. */
export function mockLwaToken(seen: SeenRequest[], status = 200, body: unknown = AMAZON_TOKENS, times = 1): void {
  nock(LWA)
    .post('/auth/o2/token')
    .times(times)
    .reply(function (_uri, requestBody) {
      seen.push({ headers: this.req.headers, body: Object.fromEntries(new URLSearchParams(requestBody as string)) });
      return [status, body as nock.Body];
    });
}

/** Endpoint discovery answering with these hostnames. */
export function mockDiscovery(seen: SeenRequest[], hosts: string[] = ['api.amazonalexa.com']): void {
  nock(ALEXA_API)
    .get('/v1/alexaApiEndpoint')
    .reply(function () {
      seen.push({ headers: this.req.headers, body: undefined });
      return [200, { endpoints: hosts }];
    });
}

export type EnableHandler = (body: { stage: string; accountLinkRequest: { redirectUri: string; authCode: string; type: string } }, headers: Record<string, string | string[] | undefined>) => Promise<[number, unknown]> | [number, unknown];

/** The Skill Enablement API on one base URL; the handler decides each answer (it may redeem the code, as Alexa does). */
export function mockEnable(base: string, handler: EnableHandler, times = 1): void {
  nock(base)
    .post(ENABLEMENT_PATH)
    .times(times)
    .reply(async function (_uri, body) {
      const [status, answer] = await handler(body as Parameters<EnableHandler>[0], this.req.headers);
      return [status, answer as nock.Body];
    });
}

export const ENABLED = { skill: { id: SKILL_ID, stage: 'development' }, status: 'ENABLED', accountLink: { status: 'LINKED' }, user: { id: 'amzn1.ask.account.TEST' } };

/** Starts linking for a user and returns the state and PKCE challenge from the Alexa app URL. */
export async function startAttempt(service: TestService, token: string): Promise<{ state: string; challenge: string; redirectUri: string }> {
  const started = await callApi(service, 'POST', '/app-links/start', token);
  expect(started.status, JSON.stringify(started.body)).to.equal(200);
  const url = new URL(started.body.alexaAppUrl as string);
  return { state: url.searchParams.get('state') as string, challenge: url.searchParams.get('code_challenge') as string, redirectUri: url.searchParams.get('redirect_uri') as string };
}
