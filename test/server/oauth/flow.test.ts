import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { ALEXA_REDIRECTS, authorizeAndConsent, createRider, pkcePair, postToken, type ClientAuth } from './flow-helpers';

describe('OAuth flow as Alexa drives it (authorize → sign in → consent → token → refresh)', () => {
  let service: TestService;
  let userId: string;
  before(async () => {
    service = await startTestService();
    userId = await createRider(service);
  });
  after(async () => service?.close());

  for (const redirectUri of ALEXA_REDIRECTS) {
    for (const auth of ['basic', 'body'] as ClientAuth[]) {
      for (const withPkce of [false, true]) {
        it(`links via ${new URL(redirectUri).host} with ${auth === 'basic' ? 'HTTP Basic' : 'credentials in the body'}${withPkce ? ' and PKCE' : ''}`, async () => {
          const state = `st-${auth}-${withPkce}-${Math.random().toString(36).slice(2)}`;
          const pkce = pkcePair();
          const location = await authorizeAndConsent(service, {
            redirect_uri: redirectUri,
            state,
            ...(withPkce ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {}),
          });
          expect(location.origin + location.pathname).to.equal(redirectUri);
          expect(location.searchParams.get('state')).to.equal(state);
          expect(location.searchParams.get('iss')).to.equal(service.services.settings.publicUrl);
          const code = location.searchParams.get('code') as string;
          expect(code).to.match(/^[A-Za-z0-9_-]{43}$/);

          const exchanged = await postToken(
            service,
            { grant_type: 'authorization_code', code, redirect_uri: redirectUri, ...(withPkce ? { code_verifier: pkce.verifier } : {}) },
            auth,
          );
          expect(exchanged.status, exchanged.text).to.equal(200);
          expect(exchanged.headers.get('cache-control')).to.equal('no-store');
          expect(exchanged.headers.get('pragma')).to.equal('no-cache');
          expect(exchanged.headers.get('content-type')).to.match(/^application\/json/);
          expect(exchanged.body).to.have.all.keys('access_token', 'token_type', 'expires_in', 'refresh_token', 'scope');
          expect(exchanged.body.token_type).to.equal('Bearer');
          expect(exchanged.body.expires_in).to.equal(3600);
          expect(exchanged.body.scope).to.equal('profile');
          const claims = service.services.accessTokens.verify(exchanged.body.access_token as string);
          expect(claims.sub).to.equal(userId);
          expect(claims.client_id).to.equal(TEST_CLIENT_ID);

          const refreshed = await postToken(service, { grant_type: 'refresh_token', refresh_token: exchanged.body.refresh_token as string }, auth);
          expect(refreshed.status, refreshed.text).to.equal(200);
          expect(refreshed.body.refresh_token).to.not.equal(exchanged.body.refresh_token);
          expect(refreshed.body.access_token).to.not.equal(exchanged.body.access_token);
          expect(service.services.accessTokens.verify(refreshed.body.access_token as string).sid).to.equal(claims.sid);
        });
      }
    }
  }
});
