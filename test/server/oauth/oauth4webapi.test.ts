import { expect } from 'chai';
import * as oauth from 'oauth4webapi';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import { ALEXA_REDIRECTS, answerConsent, Browser, createRider, openAuthorize, signIn } from './flow-helpers';

/**
 * oauth4webapi is a strict, independent client: it discovers the server from its metadata, checks
 * the authorization response (state and RFC 9207 iss), the token responses and RFC 9068 access
 * tokens against the JWKS. Plain http on loopback needs its allowInsecureRequests option.
 */
describe('an independent strict client (oauth4webapi) against the service', () => {
  let service: TestService;
  let as: oauth.AuthorizationServer;
  const client: oauth.Client = { client_id: TEST_CLIENT_ID };
  const insecure = { [oauth.allowInsecureRequests]: true } as const;

  before(async () => {
    service = await startTestService();
    await createRider(service);
    const issuer = new URL(service.services.settings.publicUrl);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  });
  after(async () => service?.close());

  for (const [name, clientAuth] of [
    ['client_secret_basic', oauth.ClientSecretBasic(TEST_CLIENT_SECRET)],
    ['client_secret_post', oauth.ClientSecretPost(TEST_CLIENT_SECRET)],
  ] as const) {
    it(`runs authorization code + PKCE, refresh and revocation with ${name}`, async () => {
      const redirectUri = ALEXA_REDIRECTS[1];
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const authorizationUrl = new URL(as.authorization_endpoint as string);
      authorizationUrl.search = new URLSearchParams({
        client_id: TEST_CLIENT_ID,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'profile',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();

      // The browser part (sign-in and consent) is ours; the client only sees the redirect.
      const browser = new Browser(service.url);
      const login = await openAuthorize(browser, authorizationUrl.search.slice(1));
      const callback = await answerConsent(browser, await signIn(browser, login), 'allow');

      const params = oauth.validateAuthResponse(as, client, callback, state);
      const codeResponse = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, verifier, insecure);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, codeResponse);
      expect(tokens.token_type).to.equal('bearer'); // oauth4webapi lower-cases it
      expect(tokens.expires_in).to.equal(3600);
      expect(tokens.refresh_token).to.be.a('string');

      const claims = await oauth.validateJwtAccessToken(
        as,
        new Request(`${service.url}/resource`, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
        service.services.settings.publicUrl,
        insecure,
      );
      expect(claims.client_id).to.equal(TEST_CLIENT_ID);

      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token as string, insecure));
      expect(refreshed.refresh_token).to.not.equal(tokens.refresh_token);

      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, clientAuth, refreshed.refresh_token as string, insecure));
      const afterRevocation = await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token as string, insecure);
      let refusal: unknown;
      await oauth.processRefreshTokenResponse(as, client, afterRevocation).catch((error: unknown) => (refusal = error));
      expect(refusal).to.be.instanceOf(oauth.ResponseBodyError);
      expect((refusal as oauth.ResponseBodyError).error).to.equal('invalid_grant');
    });
  }

  it('advertises the iss parameter, so a strict client rejects a response claiming another issuer', async () => {
    const forged = new URL(`${ALEXA_REDIRECTS[0]}?code=abc&state=s&iss=${encodeURIComponent('https://evil.example')}`);
    expect(() => oauth.validateAuthResponse(as, client, forged, 's')).to.throw(/iss/);
  });
});
