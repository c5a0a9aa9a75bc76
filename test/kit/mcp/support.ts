import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { expect } from 'chai';
import type { TestService } from '../../support/service';
import { answerConsent, basicAuth, Browser, openAuthorize, pkcePair, signIn } from '../../server/oauth/flow-helpers';

export const PLUS_CLIENT_ID = 'alexa-plus-test';
export const PLUS_CLIENT_SECRET = 'plus-secret-0123456789abcdefghij';
export const PLUS_REDIRECT = 'https://alexa-plus.example/api/addon/link';

/** The settings that register the Alexa+ add-on client beside the classic skill's. */
export const PLUS_ENV = {
  ALEXA_PLUS_CLIENT_ID: PLUS_CLIENT_ID,
  ALEXA_PLUS_CLIENT_SECRET: PLUS_CLIENT_SECRET,
  ALEXA_PLUS_REDIRECT_URIS: PLUS_REDIRECT,
  MCP_ENABLED: 'true',
};

/** A form POST to the token endpoint as the Alexa+ client (HTTP Basic). */
export async function plusToken(service: TestService, fields: Record<string, string | undefined>): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) body.append(name, value);
  const response = await fetch(`${service.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(PLUS_CLIENT_ID, PLUS_CLIENT_SECRET) },
    body: body.toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A Tier 1 token: client_credentials, as Alexa+ asks for one. */
export async function serviceToken(service: TestService, resource?: string): Promise<string> {
  const answer = await plusToken(service, { grant_type: 'client_credentials', resource });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return answer.body.access_token as string;
}

/** The authorization query of the Alexa+ client; `overrides` replace or (undefined) drop fields. */
export function plusAuthorizeQuery(overrides: Record<string, string | undefined>): string {
  const fields: Record<string, string | undefined> = { response_type: 'code', client_id: PLUS_CLIENT_ID, redirect_uri: PLUS_REDIRECT, state: 'plus-state', scope: 'profile', ...overrides };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) query.append(name, value);
  return query.toString();
}

/** Tier 2: signs the user in on the real pages with PKCE S256 and redeems the code. */
export async function userTokens(service: TestService, username: string, password: string, resource?: string): Promise<{ access: string; refresh: string }> {
  const pkce = pkcePair();
  const browser = new Browser(service.url);
  const login = await openAuthorize(browser, plusAuthorizeQuery({ code_challenge: pkce.challenge, code_challenge_method: 'S256', resource }));
  const consent = await signIn(browser, login, username, password);
  const location = await answerConsent(browser, consent, 'allow');
  const code = location.searchParams.get('code');
  expect(code, location.href).to.be.a('string');
  const answer = await plusToken(service, { grant_type: 'authorization_code', code: code as string, redirect_uri: PLUS_REDIRECT, code_verifier: pkce.verifier, resource });
  expect(answer.status, JSON.stringify(answer.body)).to.equal(200);
  return { access: answer.body.access_token as string, refresh: answer.body.refresh_token as string };
}

/** The official SDK client, connected (initialize done) with a bearer token. */
export async function mcpClient(url: string, token: string | undefined): Promise<Client> {
  const client = new Client({ name: 'alexa-plus-test', version: '1.0.0' });
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** The message an SDK client call failed with. */
export async function failureOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    // The SDK's StreamableHTTPError carries the HTTP status as `code` and the body in its message.
    const code = (error as { code?: unknown }).code;
    return `${code === undefined ? '' : `${String(code)} `}${(error as Error).message}`;
  }
  throw new Error('the call succeeded');
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content[0]?.text ?? '';
}

/** A JWT's payload, unverified (to read `aud`). */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}
