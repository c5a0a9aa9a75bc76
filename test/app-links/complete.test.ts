import { expect } from 'chai';
import { s256 } from '../../server/oauth/pkce';
import { APP_LINK_ERRORS, type AppLinkErrorCode } from '../../app-links/errors';
import { OAuthError } from '../../server/errors';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import {
  ALEXA_API,
  ALEXA_API_EU,
  ALEXA_REDIRECTS,
  AMAZON_TOKENS,
  callApi,
  ENABLED,
  expectNoSecretsLogged,
  isolateNetwork,
  LWA_CLIENT_ID,
  LWA_CLIENT_SECRET,
  mockDiscovery,
  mockEnable,
  mockLwaToken,
  type SeenRequest,
  signedInUser,
  startAppLinksService,
  startAttempt,
} from './support';

const AMAZON_CODE = 'ANdNAVhyhqirUelHGEHA';

/** Alexa's side of the enablement call: redeem our code as its token request would, then answer. */
function redeemingAlexa(service: TestService, redeemed: Array<{ code: string; familySub: string | undefined; error?: string }>, answer: [number, unknown] = [201, ENABLED]) {
  return async (body: { accountLinkRequest: { authCode: string; redirectUri: string } }): Promise<[number, unknown]> => {
    try {
      const tokens = await service.services.grants.exchangeCode(body.accountLinkRequest.authCode, {
        clientId: TEST_CLIENT_ID,
        redirectUri: body.accountLinkRequest.redirectUri,
        codeVerifier: undefined,
      });
      redeemed.push({ code: body.accountLinkRequest.authCode, familySub: service.services.accessTokens.verify(tokens.access_token).sub });
      return answer;
    } catch (error) {
      redeemed.push({ code: body.accountLinkRequest.authCode, familySub: undefined, error: (error as OAuthError).code });
      return [400, { message: 'Invalid account linking credentials' }];
    }
  };
}

describe('POST /app-links/complete', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService();
  });
  after(async () => service?.close());

  it('exchanges the Amazon code, discovers the endpoint and enables the skill with a code of ours that Alexa can redeem', async () => {
    const { token, userId } = await signedInUser(service);
    const { state, challenge, redirectUri } = await startAttempt(service, token);
    const lwa: SeenRequest[] = [];
    const discovery: SeenRequest[] = [];
    const enablements: Array<{ body: unknown; headers: Record<string, unknown> }> = [];
    const redeemed: Array<{ code: string; familySub: string | undefined }> = [];
    mockLwaToken(lwa);
    mockDiscovery(discovery);
    const alexa = redeemingAlexa(service, redeemed);
    mockEnable(ALEXA_API, async (body, headers) => {
      enablements.push({ body, headers });
      return alexa(body);
    });

    const { status, body } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(body).to.deep.equal({ linked: true, enablementStatus: 'ENABLED', accountLinkStatus: 'LINKED', stage: 'development' });

    // LWA: the documented form, the same redirect URI as the consent URLs, the verifier of the challenge.
    const form = lwa[0]?.body as Record<string, string>;
    expect(Object.keys(form).sort()).to.deep.equal(['client_id', 'client_secret', 'code', 'code_verifier', 'grant_type', 'redirect_uri']);
    expect(form).to.include({ grant_type: 'authorization_code', code: AMAZON_CODE, client_id: LWA_CLIENT_ID, client_secret: LWA_CLIENT_SECRET, redirect_uri: redirectUri });
    expect(s256(form.code_verifier as string)).to.equal(challenge);
    expect(lwa[0]?.headers['content-type']).to.equal('application/x-www-form-urlencoded;charset=UTF-8');
    // Discovery and enablement carry the Amazon access token, title-case Bearer.
    expect(discovery[0]?.headers.authorization).to.equal(`Bearer ${AMAZON_TOKENS.access_token}`);
    expect(enablements).to.have.length(1);
    expect(enablements[0]?.headers.authorization).to.equal(`Bearer ${AMAZON_TOKENS.access_token}`);
    const sent = enablements[0]?.body as { stage: string; accountLinkRequest: Record<string, string> };
    expect(sent.stage).to.equal('development');
    expect(Object.keys(sent.accountLinkRequest).sort()).to.deep.equal(['authCode', 'redirectUri', 'type']);
    // Amazon's step 6: "Redirect URI for your app", i.e. APP_REDIRECT_URL (our code is bound to it).
    expect(sent.accountLinkRequest.redirectUri).to.equal(service.services.settings.appLinks.appRedirectUrl);
    expect(sent.accountLinkRequest.type).to.equal('AUTH_CODE');
    expect(sent.accountLinkRequest.authCode).to.match(/^[A-Za-z0-9_-]{43}$/);
    // Alexa got tokens for this very user.
    expect(redeemed).to.deep.equal([{ code: sent.accountLinkRequest.authCode, familySub: userId }]);

    // The Amazon tokens are stored, sealed: neither appears in the store.
    const raw = (await service.store.get(`app-link:${userId}`)) as string;
    expect(JSON.parse(raw)).to.include({ userId, host: 'api.amazonalexa.com', stage: 'development' });
    expect(raw).to.not.include(AMAZON_TOKENS.refresh_token).and.not.include(AMAZON_TOKENS.access_token);
    expect(service.logs.events('app_links.linked').some((line) => line.userId === userId)).to.equal(true);
    expectNoSecretsLogged(service, [AMAZON_CODE, state, token, AMAZON_TOKENS.access_token, AMAZON_TOKENS.refresh_token, sent.accountLinkRequest.authCode as string, LWA_CLIENT_SECRET, form.code_verifier as string]);

    // The state was consumed before the exchange: a second try never reaches Amazon.
    const again = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(again.status).to.equal(400);
    expect(again.body.error).to.equal('state_reused');
  });

  it('tries every discovered endpoint until one answers 201, withdrawing the codes of the failed attempts', async () => {
    const { token, userId } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([], ['api.amazonalexa.com', 'api.eu.amazonalexa.com']);
    const redeemed: Array<{ code: string; familySub: string | undefined }> = [];
    // The first endpoint redeems each code it gets, then fails (5xx, retried twice): three codes spent for nothing.
    mockEnable(ALEXA_API, redeemingAlexa(service, redeemed, [500, { message: 'Internal error' }]), 3);
    mockEnable(ALEXA_API_EU, redeemingAlexa(service, redeemed));
    const { status, body } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(body.linked).to.equal(true);
    expect(redeemed).to.have.length(4);
    expect(new Set(redeemed.map((r) => r.code)).size).to.equal(4);
    expect(JSON.parse((await service.store.get(`app-link:${userId}`)) as string).host).to.equal('api.eu.amazonalexa.com');

    // Only the grant of the successful attempt survives; the three from the failing endpoint are revoked.
    const families = await Promise.all((await service.services.refreshTokens.familiesOf(userId)).map((id) => service.services.refreshTokens.get(id)));
    const alexaFamilies = families.filter((family) => family?.clientId === TEST_CLIENT_ID);
    expect(alexaFamilies).to.have.length(4);
    expect(alexaFamilies.filter((family) => family?.revokedAt === undefined)).to.have.length(1);
    expect(service.logs.events('app_links.code_withdrawn').filter((line) => line.redeemedByAlexa === true).length).to.be.at.least(3);
  });

  it('reports the first definite refusal when no endpoint succeeds, and leaves no link and no live grant', async () => {
    const { token, userId } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([], ['api.amazonalexa.com', 'api.eu.amazonalexa.com']);
    mockEnable(ALEXA_API, () => [503, {}], 3);
    const eu: string[] = [];
    mockEnable(ALEXA_API_EU, (body) => {
      eu.push(body.accountLinkRequest.authCode);
      return [403, { message: 'Forbidden' }];
    });
    const { status, body } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(status).to.equal(403);
    expect(body.error).to.equal('skill_stage_not_allowed');
    expect(await service.store.get(`app-link:${userId}`)).to.equal(null);
    // Every code minted for the attempts is spent: Alexa could not redeem one now.
    const late = await service.services.grants.exchangeCode(eu[0] as string, { clientId: TEST_CLIENT_ID, redirectUri: service.services.settings.appLinks.appRedirectUrl, codeVerifier: undefined }).catch((e: unknown) => e);
    expect((late as OAuthError).code).to.equal('invalid_grant');
    expect((late as OAuthError).reason).to.not.match(/redirect mismatch/);
    expect(service.logs.events('app_links.link_failed').at(-1)?.endpoints).to.deep.equal(['api.amazonalexa.com:amazon_unavailable', 'api.eu.amazonalexa.com:skill_stage_not_allowed']);
  });

  const enablementRefusals: Array<[number, unknown, number, string]> = [
    [400, { message: 'Invalid account linking credentials' }, 502, 'enablement_refused'],
    [401, { message: 'Unauthorized' }, 403, 'skill_disabled'],
    [403, { message: 'Forbidden' }, 403, 'skill_stage_not_allowed'],
  ];
  for (const [amazonStatus, amazonBody, ourStatus, code] of enablementRefusals) {
    it(`answers ${ourStatus} ${code} when the enablement API answers ${amazonStatus}`, async () => {
      const { token, userId } = await signedInUser(service);
      const { state } = await startAttempt(service, token);
      mockLwaToken([]);
      mockDiscovery([]);
      mockEnable(ALEXA_API, () => [amazonStatus, amazonBody]);
      const { status, body } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
      expect(status).to.equal(ourStatus);
      expect(body.error).to.equal(code);
      // The code's description, which an app can show, also for the 502.
      expect(body.error_description).to.equal(APP_LINK_ERRORS[code as AppLinkErrorCode].description);
      expect(await service.store.get(`app-link:${userId}`)).to.equal(null);
    });
  }

  it('answers amazon_code_rejected when LWA refuses the code (expired, used, other redirect), with the state spent', async () => {
    const { token, userId } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    const lwa: SeenRequest[] = [];
    mockLwaToken(lwa, 400, { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' });
    const { status, body } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(status).to.equal(400);
    expect(body.error).to.equal('amazon_code_rejected');
    expect(body.error_description).to.include('5 minutes');
    expect(lwa).to.have.length(1);
    expect(await service.store.get(`app-link:${userId}`)).to.equal(null);
    expect((await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state })).body.error).to.equal('state_reused');
  });

  it('answers amazon_client_misconfigured when LWA refuses the Alexa client credentials', async () => {
    const { token } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([], 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const { status, body } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(status).to.equal(502);
    expect(body.error).to.equal('amazon_client_misconfigured');
    expect(body.error_description).to.equal(APP_LINK_ERRORS.amazon_client_misconfigured.description);
  });

  it('answers 503 amazon_unavailable with Retry-After when Amazon stays down', async () => {
    const { token } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    const lwa: SeenRequest[] = [];
    mockLwaToken(lwa, 503, { error: 'ServiceUnavailable' }, 3);
    const { status, body, headers } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(status).to.equal(503);
    expect(body.error).to.equal('amazon_unavailable');
    expect(body.error_description).to.equal(APP_LINK_ERRORS.amazon_unavailable.description);
    expect(headers.get('retry-after')).to.equal('5');
    expect(lwa).to.have.length(3);
  });

  it('refuses unknown, expired, foreign and reused states before calling Amazon', async () => {
    const alice = await signedInUser(service);
    const bob = await signedInUser(service);
    const unknown = await callApi(service, 'POST', '/app-links/complete', alice.token, { code: AMAZON_CODE, state: 'Q'.repeat(43) });
    expect([unknown.status, unknown.body.error]).to.deep.equal([400, 'state_invalid']);

    const { state: alicesState } = await startAttempt(service, alice.token);
    const foreign = await callApi(service, 'POST', '/app-links/complete', bob.token, { code: AMAZON_CODE, state: alicesState });
    expect([foreign.status, foreign.body.error]).to.deep.equal([400, 'state_invalid']);
    // Trying a state under another user burns it: its owner must start again.
    expect((await callApi(service, 'POST', '/app-links/complete', alice.token, { code: AMAZON_CODE, state: alicesState })).body.error).to.equal('state_reused');

    const { state: late } = await startAttempt(service, alice.token);
    service.clock.advance(601_000);
    const expired = await callApi(service, 'POST', '/app-links/complete', alice.token, { code: AMAZON_CODE, state: late });
    expect([expired.status, expired.body.error]).to.deep.equal([400, 'state_expired']);
  });

  it('has logged none of the secrets it handled, on any of the paths above (successes and every refusal)', () => {
    expect(service.logs.events('app_links.complete_refused').length).to.be.greaterThan(5);
    expectNoSecretsLogged(service, [AMAZON_CODE, AMAZON_TOKENS.access_token, AMAZON_TOKENS.refresh_token, LWA_CLIENT_SECRET, 'Atza|', 'Atzr|']);
    // No value shaped like a state, a code of ours or a PKCE verifier (43+ base64url characters) either.
    const long = service.logs.raw.flatMap((line) => line.match(/[A-Za-z0-9_-]{43,}/g) ?? []);
    expect(long).to.deep.equal([]);
  });

  it('refuses malformed input with invalid_request, leaving the state usable', async () => {
    const { token } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    const cases: unknown[] = [
      {},
      { state },
      { code: AMAZON_CODE },
      { code: 'has spaces in it', state },
      { code: 12345, state },
      { code: 'x'.repeat(2049), state },
      [AMAZON_CODE, state],
      { code: AMAZON_CODE, state, providerCode: 'abc', providerRedirectUri: ALEXA_REDIRECTS[0] },
      { code: AMAZON_CODE, state, providerCode: 'abc' },
    ];
    for (const body of cases) {
      const answer = await callApi(service, 'POST', '/app-links/complete', token, body);
      expect([answer.status, answer.body.error], JSON.stringify(body).slice(0, 60)).to.deep.equal([400, 'invalid_request']);
    }
    const notJson = await fetch(`${service.url}/app-links/complete`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"code":' });
    expect(notJson.status).to.equal(400);
    const form = await fetch(`${service.url}/app-links/complete`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${AMAZON_CODE}&state=${state}` });
    expect(form.status).to.equal(400);
    const tooBig = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state, padding: 'x'.repeat(20_000) });
    expect(tooBig.status).to.equal(413);
    expect((await callApi(service, 'POST', '/app-links/complete', undefined, { code: AMAZON_CODE, state })).status).to.equal(401);

    // None of that touched the state.
    mockLwaToken([]);
    mockDiscovery([]);
    mockEnable(ALEXA_API, () => [201, ENABLED]);
    expect((await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state })).status).to.equal(200);
  });
});

describe('POST /app-links/complete with APP_LINKS_ENABLEMENT_REDIRECT=alexa', () => {
  isolateNetwork();
  let service: TestService;
  before(async () => {
    service = await startAppLinksService({ env: { APP_LINKS_ENABLEMENT_REDIRECT: 'alexa' } });
  });
  after(async () => service?.close());

  it('sends the first Alexa redirect URL and binds our code to it, not to the app\'s', async () => {
    const { token, userId } = await signedInUser(service);
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([]);
    const sent: string[] = [];
    const redeemed: Array<{ code: string; familySub: string | undefined; error?: string }> = [];
    const alexa = redeemingAlexa(service, redeemed);
    mockEnable(ALEXA_API, async (body) => {
      sent.push(body.accountLinkRequest.redirectUri);
      // The app's redirect URL does not redeem a code bound to the Alexa one.
      const wrong = await service.services.codes.issue({ clientId: TEST_CLIENT_ID, redirectUri: ALEXA_REDIRECTS[0], userId, scope: 'profile', redirectUriOptional: true });
      const refused = await service.services.grants.exchangeCode(wrong, { clientId: TEST_CLIENT_ID, redirectUri: service.services.settings.appLinks.appRedirectUrl, codeVerifier: undefined }).catch((e: unknown) => e);
      expect((refused as OAuthError).reason).to.match(/redirect mismatch/);
      return alexa(body);
    });
    const { status, body } = await callApi(service, 'POST', '/app-links/complete', token, { code: AMAZON_CODE, state });
    expect(status, JSON.stringify(body)).to.equal(200);
    expect(sent).to.deep.equal([ALEXA_REDIRECTS[0]]);
    expect(redeemed.map((r) => r.familySub)).to.deep.equal([userId]);
  });
});
