import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_VENDOR_ID } from '../../support/settings';

/** The three Alexa redirect URLs the test settings register (vendor TEST_VENDOR_ID). */
export const ALEXA_REDIRECTS = [
  `https://pitangui.amazon.com/api/skill/link/${TEST_VENDOR_ID}`,
  `https://layla.amazon.com/api/skill/link/${TEST_VENDOR_ID}`,
  `https://alexa.amazon.co.jp/api/skill/link/${TEST_VENDOR_ID}`,
] as const;

export const USERNAME = 'rider@example.com';
export const PASSWORD = 'correct horse battery staple';

/** Creates the test rider account directly in the service's directory. */
export async function createRider(service: TestService, username = USERNAME, password = PASSWORD): Promise<string> {
  const account = await service.services.accounts.create({ username, password, displayName: 'Test Rider' });
  return account.id;
}

/** A PKCE pair as a client makes one. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A browser stand-in: fetch with redirects off and a cookie jar, so each test sees every hop. */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    readonly baseUrl: string,
    /** Headers every request carries (e.g. the browser's Accept-Language). */
    private readonly always: Record<string, string> = {},
  ) {}

  async get(pathOrUrl: string): Promise<Response> {
    return this.track(await fetch(this.url(pathOrUrl), { redirect: 'manual', headers: this.headers() }));
  }

  async postForm(path: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.append(name, value);
    return this.track(
      await fetch(this.url(path), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.headers(), ...headers },
        body: body.toString(),
      }),
    );
  }

  private url(pathOrUrl: string): string {
    return pathOrUrl.startsWith('http') ? pathOrUrl : this.baseUrl + pathOrUrl;
  }

  private headers(): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return cookie ? { ...this.always, cookie } : { ...this.always };
  }

  private track(response: Response): Response {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      if (eq > 0) this.cookies.set((pair as string).slice(0, eq).trim(), (pair as string).slice(eq + 1).trim());
    }
    return response;
  }
}

/** The query of an authorization request as Alexa sends it; `overrides` replace or (undefined) drop fields. */
export function authorizeQuery(overrides: Record<string, string | undefined> = {}): string {
  const fields: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: TEST_CLIENT_ID,
    redirect_uri: ALEXA_REDIRECTS[0],
    state: 'A2SAAEAEDaHR0cHM6Ly9hbGV4YS5hbWF6b24uY29t',
    scope: 'profile',
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) query.append(name, value);
  return query.toString();
}

/** The value of a hidden input in a page. */
export function hiddenField(page: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(page);
  if (!match) throw new Error(`no hidden field ${name} in page:\n${page.slice(0, 2000)}`);
  return match[1] as string;
}

/** The text of the page's h1 elements. */
export function headings(page: string): string[] {
  return [...page.matchAll(/<h1>([\s\S]*?)<\/h1>/g)].map((m) => m[1] as string);
}

/** The text of the inline error, if any. */
export function inlineError(page: string): string | undefined {
  return /<p class="error" role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(page)?.[1];
}

export interface FormState {
  interaction: string;
  csrf: string;
}

/** Reads the interaction's hidden fields from a sign-in or consent page. */
export function formState(page: string): FormState {
  return { interaction: hiddenField(page, 'interaction'), csrf: hiddenField(page, 'csrf') };
}

/** Opens the authorization URL and returns the sign-in page's form state (asserting it is shown). */
export async function openAuthorize(browser: Browser, query: string): Promise<FormState & { page: string }> {
  const response = await browser.get(`/oauth/authorize?${query}`);
  const page = await response.text();
  expect(response.status, page.slice(0, 500)).to.equal(200);
  return { ...formState(page), page };
}

/** Signs in on an open interaction and follows the 303 to the consent page. */
export async function signIn(browser: Browser, form: FormState, username = USERNAME, password = PASSWORD): Promise<FormState & { page: string }> {
  const posted = await browser.postForm('/oauth/login', { ...form, username, password });
  expect(posted.status, await posted.clone().text()).to.equal(303);
  const consent = await browser.get(posted.headers.get('location') as string);
  const page = await consent.text();
  expect(consent.status).to.equal(200);
  return { ...formState(page), page };
}

/** Answers the consent page and returns the redirect it answered with. */
export async function answerConsent(browser: Browser, form: FormState, decision: 'allow' | 'deny'): Promise<URL> {
  const answered = await browser.postForm('/oauth/consent', { ...form, decision });
  expect(answered.status, await answered.clone().text()).to.equal(303);
  return new URL(answered.headers.get('location') as string);
}

/** The whole browser part of the flow: authorize, sign in, allow. Returns the redirect URL with the code. */
export async function authorizeAndConsent(service: TestService, queryOverrides: Record<string, string | undefined> = {}): Promise<URL> {
  const browser = new Browser(service.url);
  const login = await openAuthorize(browser, authorizeQuery(queryOverrides));
  const consent = await signIn(browser, login);
  return answerConsent(browser, consent, 'allow');
}

/** Gets a code for the test client as Alexa would; the options choose redirect URI and PKCE. */
export async function obtainCode(service: TestService, options: { redirectUri?: string; challenge?: string; scope?: string } = {}): Promise<{ code: string; redirectUri: string }> {
  const redirectUri = options.redirectUri ?? ALEXA_REDIRECTS[0];
  const location = await authorizeAndConsent(service, {
    redirect_uri: redirectUri,
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
    ...(options.challenge ? { code_challenge: options.challenge, code_challenge_method: 'S256' } : {}),
  });
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.href}`);
  return { code, redirectUri };
}

export type ClientAuth = 'basic' | 'body' | 'none';

/** POSTs a form to the token (or revocation) endpoint, authenticating as the test client. */
export async function postToken(
  service: TestService,
  fields: Record<string, string | undefined>,
  auth: ClientAuth = 'basic',
  path = '/oauth/token',
  credentials: { id: string; secret: string } = { id: TEST_CLIENT_ID, secret: TEST_CLIENT_SECRET },
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers; text: string }> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.append(name, value);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth === 'basic') headers.authorization = basicAuth(credentials.id, credentials.secret);
  if (auth === 'body') {
    body.append('client_id', credentials.id);
    body.append('client_secret', credentials.secret);
  }
  const response = await fetch(service.url + path, { method: 'POST', headers, body: body.toString() });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers, text };
}

/** An HTTP Basic header value with id and secret form-encoded first, as RFC 6749 §2.3.1 asks. */
export function basicAuth(id: string, secret: string): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

/** Redeems a code with the test client and returns the token response body (asserting 200). */
export async function redeem(service: TestService, code: string, redirectUri: string, extra: Record<string, string> = {}, auth: ClientAuth = 'basic'): Promise<Record<string, unknown>> {
  const result = await postToken(service, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...extra }, auth);
  expect(result.status, result.text).to.equal(200);
  return result.body;
}
