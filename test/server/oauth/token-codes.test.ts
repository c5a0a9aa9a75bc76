import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_SECRET } from '../../support/settings';
import { ALEXA_REDIRECTS, authorizeAndConsent, createRider, obtainCode, PASSWORD, pkcePair, postToken, redeem } from './flow-helpers';

describe('POST /oauth/token: authorization codes', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ env: { OAUTH_SCOPES: 'profile rides' } });
    await createRider(service);
  });
  after(async () => service?.close());

  const exchange = (code: string, extra: Record<string, string | undefined> = {}) =>
    postToken(service, { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECTS[0], ...extra });

  it('binds the code to the scope the user consented to', async () => {
    const { code } = await obtainCode(service, { scope: 'rides' });
    const body = await redeem(service, code, ALEXA_REDIRECTS[0]);
    expect(body.scope).to.equal('rides');
    expect(service.services.accessTokens.verify(body.access_token as string).scope).to.equal('rides');
  });

  it('refuses an unknown code', async () => {
    const result = await exchange('A'.repeat(43));
    expect(result.status).to.equal(400);
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The authorization code is unknown or has expired.' });
  });

  it('refuses an expired code (clock moved past AUTH_CODE_TTL)', async () => {
    const { code } = await obtainCode(service);
    service.clock.advance(service.services.settings.oauth.authCodeTtlSec * 1000);
    const result = await exchange(code);
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The authorization code has expired.' });
    expect(service.logs.events('token.refused').at(-1)).to.include({ grant_type: 'authorization_code', reason: 'code expired' });
  });

  it('refuses a redirect_uri other than the one the code was issued for, and a missing one', async () => {
    let { code } = await obtainCode(service, { redirectUri: ALEXA_REDIRECTS[1] });
    let result = await exchange(code, { redirect_uri: ALEXA_REDIRECTS[2] });
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'redirect_uri does not match the one used in the authorization request.' });
    expect(String(service.logs.events('token.refused').at(-1)?.reason)).to.match(/^redirect mismatch: token request "https:\/\/alexa\.amazon\.co\.jp/);
    ({ code } = await obtainCode(service));
    result = await exchange(code, { redirect_uri: undefined });
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'redirect_uri is required: send the one used in the authorization request.' });
  });

  it('spends the code on a failed check: a corrected retry is a replay', async () => {
    const { code } = await obtainCode(service);
    expect((await exchange(code, { redirect_uri: ALEXA_REDIRECTS[1] })).status).to.equal(400);
    const retry = await exchange(code);
    expect(retry.body.error_description).to.equal('The authorization code was already used; tokens issued with it have been revoked.');
  });

  it('checks PKCE: the verifier is required, must match, and must not appear without a challenge', async () => {
    const pkce = pkcePair();
    let { code } = await obtainCode(service, { challenge: pkce.challenge });
    let result = await exchange(code);
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'code_verifier is required: the authorization request used PKCE.' });
    ({ code } = await obtainCode(service, { challenge: pkce.challenge }));
    result = await exchange(code, { code_verifier: pkcePair().verifier });
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'code_verifier does not match the code_challenge.' });
    ({ code } = await obtainCode(service));
    result = await exchange(code, { code_verifier: pkce.verifier });
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'code_verifier was sent but the authorization request had no code_challenge.' });
  });

  it('refuses a malformed code_verifier as invalid_request without spending the code', async () => {
    const pkce = pkcePair();
    const { code } = await obtainCode(service, { challenge: pkce.challenge });
    const result = await exchange(code, { code_verifier: 'short' });
    expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'code_verifier must be 43 to 128 characters from A-Z, a-z, 0-9 and "-._~".' });
    expect((await exchange(code, { code_verifier: pkce.verifier })).status).to.equal(200);
  });

  it('refuses a code issued to another client', async () => {
    service.services.clients.register({ id: 'second-client', secret: 'second-secret-0123456789abcdef', redirectUris: [ALEXA_REDIRECTS[0]], scopes: ['profile'] });
    const location = await authorizeAndConsent(service, { client_id: 'second-client' });
    const result = await exchange(location.searchParams.get('code') as string);
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The authorization code was issued to another client.' });
  });

  it('refuses a replayed code and revokes what its first use issued', async () => {
    const { code } = await obtainCode(service);
    const first = await redeem(service, code, ALEXA_REDIRECTS[0]);
    const replay = await exchange(code);
    expect(replay.status).to.equal(400);
    expect(replay.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The authorization code was already used; tokens issued with it have been revoked.' });
    expect(service.logs.events('token.refused').at(-1)).to.include({ reason: 'code replayed' });
    const refresh = await postToken(service, { grant_type: 'refresh_token', refresh_token: first.refresh_token as string });
    expect(refresh.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
    const claims = service.services.accessTokens.verify(first.access_token as string);
    expect(await service.services.revocations.isRevoked(claims)).to.equal(true);
  });

  it('never writes secrets, codes, passwords or tokens to the log', async () => {
    const { code } = await obtainCode(service);
    const body = await redeem(service, code, ALEXA_REDIRECTS[0]);
    await exchange(code); // a replay, logged as refused
    await postToken(service, { grant_type: 'refresh_token', refresh_token: body.refresh_token as string }, 'body');
    const everything = service.logs.raw.join('\n');
    for (const secret of [TEST_CLIENT_SECRET, code, PASSWORD, body.access_token as string, body.refresh_token as string]) {
      expect(everything).to.not.include(secret);
    }
    expect(service.logs.events('token.issued').length).to.be.greaterThan(0);
  });
});

for (const store of ['memory', 'redis'] as const) {
  describe(`POST /oauth/token: two requests racing with one code (${store} store)`, () => {
    let service: TestService;
    before(async () => {
      service = await startTestService({ store });
      await createRider(service);
    });
    after(async () => service?.close());

    it('lets exactly one win; the other is refused as a replay', async () => {
      for (let round = 0; round < 5; round += 1) {
        const { code, redirectUri } = await obtainCode(service);
        const fields = { grant_type: 'authorization_code', code, redirect_uri: redirectUri };
        const results = await Promise.all([postToken(service, fields, 'basic'), postToken(service, fields, 'body')]);
        const statuses = results.map((r) => r.status).sort();
        expect(statuses, JSON.stringify(results.map((r) => r.body))).to.deep.equal([200, 400]);
        const loser = results.find((r) => r.status === 400);
        expect(loser?.body.error).to.equal('invalid_grant');
        // The code was presented twice, so the grant it produced is revoked (RFC 6749 §4.1.2).
        const winner = results.find((r) => r.status === 200);
        const claims = service.services.accessTokens.verify(winner?.body.access_token as string);
        expect(await service.services.revocations.isRevoked(claims)).to.equal(true);
      }
    });
  });
}
