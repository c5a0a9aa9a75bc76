import { expect } from 'chai';
import nock from 'nock';
import { trafficFindings } from '../../server/ops/diagnostics';
import { opsOf } from '../../server/ops/ops';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../support/settings';
import {
  ALEXA_API,
  ALEXA_API_EU,
  AMAZON_TOKENS,
  callApi,
  ENABLED,
  ENABLEMENT_PATH,
  expectNoSecretsLogged,
  isolateNetwork,
  mockDiscovery,
  mockLwaToken,
  signedInUser,
  startAppLinksService,
  startAttempt,
} from './support';

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Alexa's side of the enablement call, for real: it redeems the authCode at our /oauth/token over HTTP
 * (HTTP Basic with the skill's client credentials, as the console's "HTTP Basic" scheme does) and answers
 * 201 only when our token endpoint answered 200.
 */
function alexaEnablement(service: TestService, answers: TokenAnswer[], secret = TEST_CLIENT_SECRET) {
  return async function (this: nock.ReplyFnContext, _uri: string, body: nock.Body): Promise<nock.ReplyFnResult> {
    const request = (body as { accountLinkRequest: { redirectUri: string; authCode: string; type: string } }).accountLinkRequest;
    const response = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(TEST_CLIENT_ID)}:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: request.authCode, redirect_uri: request.redirectUri }).toString(),
    });
    answers.push({ status: response.status, body: (await response.json()) as Record<string, unknown> });
    if (response.status === 200) return [201, ENABLED];
    return [400, { message: 'Invalid account linking credentials' }];
  };
}

describe('app-to-app linking end to end, our own token endpoint answering Alexa\'s code exchange', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService();
  });
  after(async () => service?.close());

  it('links from the app: start, consent (Amazon), complete; Alexa gets working tokens; status; unlink revokes them', async () => {
    const { token, userId } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([], ['api.amazonalexa.com']);
    const answers: TokenAnswer[] = [];
    nock(ALEXA_API).post(ENABLEMENT_PATH).reply(alexaEnablement(service, answers));

    const done = await callApi(service, 'POST', '/app-links/complete', token, { code: 'ANAmazonConsentCode', state });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ linked: true, enablementStatus: 'ENABLED', accountLinkStatus: 'LINKED' });

    // What Alexa received from our token endpoint: a Bearer access token for this user, and a refresh token.
    expect(answers).to.have.length(1);
    const tokens = answers[0]?.body as { access_token: string; refresh_token: string; token_type: string; expires_in: number };
    expect(answers[0]?.status).to.equal(200);
    expect(tokens.token_type).to.equal('Bearer');
    expect(tokens.expires_in).to.be.at.least(360);
    const claims = service.services.accessTokens.verify(tokens.access_token);
    expect(claims).to.include({ sub: userId, client_id: TEST_CLIENT_ID });
    // Alexa named the app's redirect URL at the token endpoint: /ops counts it as registered, not as a stranger's.
    const traffic = await opsOf(service.services).traffic.summary();
    const appRedirect = service.services.settings.appLinks.appRedirectUrl;
    expect(traffic.redirectUris.find((uri) => uri.value === appRedirect)?.token.count).to.equal(1);
    expect(traffic.unrecognised.filter((u) => u.kind === 'redirect_uri')).to.deep.equal([]);
    expect(trafficFindings(service.services.settings, traffic).join('\n')).to.not.include(appRedirect);

    // Alexa can refresh what it got, through the same endpoint.
    const refreshed = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET }).toString(),
    });
    expect(refreshed.status).to.equal(200);

    nock(ALEXA_API).get(ENABLEMENT_PATH).matchHeader('authorization', `Bearer ${AMAZON_TOKENS.access_token}`).reply(200, ENABLED);
    expect((await callApi(service, 'GET', '/app-links/status', token)).body).to.include({ linked: true });

    nock(ALEXA_API).delete(ENABLEMENT_PATH).matchHeader('authorization', `Bearer ${AMAZON_TOKENS.access_token}`).reply(204);
    expect((await callApi(service, 'DELETE', '/app-links/link', token)).body).to.deep.equal({ linked: false, amazonDisabled: true, revokedGrants: 1 });
    // After unlink, Alexa's tokens are dead: refreshing fails and the access token is marked revoked.
    const afterUnlink = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: ((await refreshed.json()) as { refresh_token: string }).refresh_token, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET }).toString(),
    });
    expect(afterUnlink.status).to.equal(400);
    expect(await service.services.revocations.isRevoked(claims)).to.equal(true);

    expectNoSecretsLogged(service, [tokens.access_token, tokens.refresh_token, AMAZON_TOKENS.access_token, AMAZON_TOKENS.refresh_token, token, state]);
  });

  it('succeeds on the second endpoint when the first refuses, and our token endpoint refuses the withdrawn code afterwards', async () => {
    const { token } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([], ['api.amazonalexa.com', 'api.eu.amazonalexa.com']);
    let firstCode = '';
    nock(ALEXA_API)
      .post(ENABLEMENT_PATH)
      .reply((_uri, body) => {
        firstCode = (body as { accountLinkRequest: { authCode: string } }).accountLinkRequest.authCode;
        return [403, { message: 'Forbidden' }];
      });
    const answers: TokenAnswer[] = [];
    nock(ALEXA_API_EU).post(ENABLEMENT_PATH).reply(alexaEnablement(service, answers));
    const done = await callApi(service, 'POST', '/app-links/complete', token, { code: 'ANAmazonConsentCode', state });
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(answers.map((a) => a.status)).to.deep.equal([200]);

    const late = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: firstCode, redirect_uri: service.services.settings.appLinks.appRedirectUrl, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET }).toString(),
    });
    expect(late.status).to.equal(400);
    expect(((await late.json()) as { error: string }).error).to.equal('invalid_grant');
  });

  it('reports enablement_refused when Alexa cannot redeem our code (wrong client secret in the console), leaving nothing behind', async () => {
    const { token, userId } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([]);
    const answers: TokenAnswer[] = [];
    nock(ALEXA_API).post(ENABLEMENT_PATH).reply(alexaEnablement(service, answers, 'not-the-secret-in-the-console'));
    const done = await callApi(service, 'POST', '/app-links/complete', token, { code: 'ANAmazonConsentCode', state });
    expect(done.status).to.equal(502);
    expect(done.body.error).to.equal('enablement_refused');
    expect(answers.map((a) => [a.status, a.body.error])).to.deep.equal([[401, 'invalid_client']]);
    expect(await service.store.get(`app-link:${userId}`)).to.equal(null);
    const families = await service.services.refreshTokens.familiesOf(userId);
    const live = (await Promise.all(families.map((id) => service.services.refreshTokens.get(id)))).filter((f) => f?.clientId === TEST_CLIENT_ID && f.revokedAt === undefined);
    expect(live).to.deep.equal([]);
  });
});
