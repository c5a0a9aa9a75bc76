import { randomBytes } from 'node:crypto';
import { s256 } from '../../server/oauth/pkce';
import type { AmazonSimulator } from '../../simulator';
import { createTestCertificateChain, type TestCertificateChain } from '../../simulator/certificates';

let chain: TestCertificateChain | undefined;

/** One signing chain per test process: building one takes about half a second. */
export function sharedCertificate(): TestCertificateChain {
  chain ??= createTestCertificateChain();
  return chain;
}

/** A fresh PKCE verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: s256(verifier) };
}

/** POSTs an application/x-www-form-urlencoded body. */
export function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** GETs without following redirects. */
export function getManual(url: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers });
}

/** The Location header as a URL (throws when absent, so a missing redirect fails the test). */
export function location(response: Response): URL {
  const value = response.headers.get('location');
  if (!value) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(value);
}

/** HTTP Basic credentials. */
export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/**
 * The customer's Amazon access token for the skill's Alexa client, obtained the way the service does
 * it in app-to-app linking: Alexa app consent, then the LWA token endpoint.
 */
export async function amazonAccessToken(amazon: AmazonSimulator, customer: string, redirectUri: string): Promise<string> {
  amazon.customers.signIn(customer);
  const consent = await getManual(amazon.appConsentUrl({ redirectUri, state: 'helper' }));
  const code = location(consent).searchParams.get('code');
  if (!code) throw new Error('the consent gave no code');
  const response = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: amazon.lwaClient.id, client_secret: amazon.lwaClient.secret });
  if (response.status !== 200) throw new Error(`LWA refused: ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
