import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { OAuthError } from '../../server/errors';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { ALEXA_REDIRECTS, callApi, expectNoSecretsLogged, signedInUser, startAppLinksService } from './support';

const ALEXA_STATE = 'AmAzOnStAtE.with-odd+chars/=';

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The parameters the Alexa app opens the platform authorization URL with. */
function alexaRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[1], scope: 'profile', state: ALEXA_STATE, ...overrides };
}

describe('POST /app-links/authorize (linking started from the Alexa app)', () => {
  let service: TestService;
  before(async () => {
    service = await startAppLinksService();
  });
  after(async () => service?.close());

  it('returns the Alexa redirect with a code bound to the user, client, redirect URI and PKCE challenge, and source=app', async () => {
    const { token, userId } = await signedInUser(service);
    const { verifier, challenge } = pkce();
    const { status, body } = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest({ code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(status).to.equal(200);
    expect(body.outcome).to.equal('code');
    const target = new URL(body.redirectTo as string);
    expect(target.origin + target.pathname).to.equal(ALEXA_REDIRECTS[1]);
    expect([...target.searchParams.keys()].sort()).to.deep.equal(['code', 'iss', 'source', 'state']);
    expect(target.searchParams.get('state')).to.equal(ALEXA_STATE);
    expect(target.searchParams.get('iss')).to.equal(service.services.settings.publicUrl);
    expect(target.searchParams.get('source')).to.equal('app');
    const code = target.searchParams.get('code') as string;

    // Alexa's token request must present the verifier and the same redirect URI.
    const wrongVerifier = await service.services.grants.exchangeCode(code, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[1], codeVerifier: pkce().verifier }).catch((e: unknown) => e);
    expect((wrongVerifier as OAuthError).code).to.equal('invalid_grant');

    const { body: again } = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const second = new URL(again.redirectTo as string).searchParams.get('code') as string;
    const wrongRedirect = await service.services.grants.exchangeCode(second, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[0], codeVerifier: verifier }).catch((e: unknown) => e);
    expect((wrongRedirect as OAuthError).code).to.equal('invalid_grant');

    const { body: third } = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const good = new URL(third.redirectTo as string).searchParams.get('code') as string;
    const tokens = await service.services.grants.exchangeCode(good, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[1], codeVerifier: verifier });
    expect(service.services.accessTokens.verify(tokens.access_token)).to.include({ sub: userId, client_id: TEST_CLIENT_ID, scope: 'profile' });
    expectNoSecretsLogged(service, [code, second, good, token]);
  });

  it('works without PKCE, without scope (the client\'s scopes) and without state (then none is echoed)', async () => {
    const { token } = await signedInUser(service);
    const { body } = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest({ scope: undefined, state: undefined }));
    expect(new URL(body.redirectTo as string).searchParams.has('state')).to.equal(false);
    const code = new URL(body.redirectTo as string).searchParams.get('code') as string;
    const tokens = await service.services.grants.exchangeCode(code, { clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[1], codeVerifier: undefined });
    expect(tokens.scope).to.equal('profile');
  });

  it('answers a denial with access_denied, the state and source=app, and mints no code', async () => {
    const { token } = await signedInUser(service);
    const { status, body } = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest({ decision: 'deny' }));
    expect(status).to.equal(200);
    expect(body.outcome).to.equal('denied');
    const target = new URL(body.redirectTo as string);
    expect(Object.fromEntries(target.searchParams)).to.deep.equal({ error: 'access_denied', state: ALEXA_STATE, source: 'app', iss: service.services.settings.publicUrl });
  });

  it('never redirects for an unknown client or an unregistered redirect URI (exact match only)', async () => {
    const { token } = await signedInUser(service);
    const cases: Array<Record<string, unknown>> = [
      { client_id: 'someone-else' },
      { client_id: undefined },
      { client_id: [TEST_CLIENT_ID, TEST_CLIENT_ID] },
      { redirect_uri: 'https://evil.example/api/skill/link/M2TESTVENDOR1' },
      { redirect_uri: `${ALEXA_REDIRECTS[1]}/` },
      { redirect_uri: ALEXA_REDIRECTS[1].toUpperCase() },
      { redirect_uri: `${ALEXA_REDIRECTS[1]}?x=1` },
      { redirect_uri: undefined },
    ];
    for (const overrides of cases) {
      const { status, body } = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest(overrides));
      expect([status, body.error], JSON.stringify(overrides)).to.deep.equal([400, 'invalid_request']);
      expect(body.redirectTo).to.equal(undefined);
    }
  });

  it('sends other refusals back to the Alexa app with the state', async () => {
    const { token } = await signedInUser(service);
    const { challenge } = pkce();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ response_type: undefined }, 'invalid_request'],
      [{ scope: 'profile admin' }, 'invalid_scope'],
      [{ code_challenge: challenge, code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: challenge }, 'invalid_request'],
      [{ code_challenge_method: 'S256' }, 'invalid_request'],
      [{ code_challenge: 'too-short', code_challenge_method: 'S256' }, 'invalid_request'],
      [{ scope: ['profile', 'profile'] }, 'invalid_request'],
      [{ state: [ALEXA_STATE, 'other'], response_type: 'token' }, 'invalid_request'],
      [{ state: 'x'.repeat(4097) }, 'invalid_request'],
    ];
    for (const [overrides, error] of cases) {
      const { status, body } = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest(overrides));
      expect([status, body.outcome, body.error], JSON.stringify(overrides)).to.deep.equal([200, 'error', error]);
      const target = new URL(body.redirectTo as string);
      expect(target.origin + target.pathname).to.equal(ALEXA_REDIRECTS[1]);
      expect(target.searchParams.get('error')).to.equal(error);
      expect(target.searchParams.has('code')).to.equal(false);
      // A state that cannot be echoed faithfully (duplicated, oversized) is left out rather than altered.
      if ('state' in overrides) expect(target.searchParams.has('state')).to.equal(false);
      else expect(target.searchParams.get('state')).to.equal(ALEXA_STATE);
    }
  });

  it('refuses a missing token, a bad decision and a body that is not a JSON object', async () => {
    const { token } = await signedInUser(service);
    expect((await callApi(service, 'POST', '/app-links/authorize', undefined, alexaRequest())).status).to.equal(401);
    const decision = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest({ decision: 'maybe' }));
    expect([decision.status, decision.body.error]).to.deep.equal([400, 'invalid_request']);
    expect((await callApi(service, 'POST', '/app-links/authorize', token, 'null')).status).to.equal(400);
    expect((await callApi(service, 'POST', '/app-links/authorize', token, [alexaRequest()])).status).to.equal(400);
    const numeric = await callApi(service, 'POST', '/app-links/authorize', token, alexaRequest({ state: 42 }));
    expect([numeric.status, numeric.body.error]).to.deep.equal([400, 'invalid_request']);
  });

  it('requires PKCE when OAUTH_REQUIRE_PKCE is set, as the web endpoint does', async () => {
    const strict = await startAppLinksService({ env: { OAUTH_REQUIRE_PKCE: 'true' } });
    try {
      const { token } = await signedInUser(strict);
      const { body } = await callApi(strict, 'POST', '/app-links/authorize', token, alexaRequest());
      expect(body.outcome).to.equal('error');
      expect(new URL(body.redirectTo as string).searchParams.get('error_description')).to.include('PKCE is required');
    } finally {
      await strict.close();
    }
  });
});
