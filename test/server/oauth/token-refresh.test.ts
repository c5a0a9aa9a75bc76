import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { createRider, obtainCode, postToken, redeem } from './flow-helpers';

describe('POST /oauth/token: refresh tokens', () => {
  let service: TestService;
  let graceMs: number;
  before(async () => {
    service = await startTestService({ env: { OAUTH_SCOPES: 'profile rides', REFRESH_TOKEN_GRACE: '120', REFRESH_TOKEN_IDLE_TTL: '86400' } });
    await createRider(service);
    graceMs = service.services.settings.oauth.refreshGraceSec * 1000;
  });
  after(async () => service?.close());

  async function linked(scope = 'profile rides'): Promise<Record<string, unknown>> {
    const { code, redirectUri } = await obtainCode(service, { scope });
    return redeem(service, code, redirectUri);
  }
  const refresh = (token: string, extra: Record<string, string> = {}) => postToken(service, { grant_type: 'refresh_token', refresh_token: token, ...extra });

  it('rotates: every refresh returns a new refresh token and a new access token of the same grant', async () => {
    const first = await linked();
    const second = await refresh(first.refresh_token as string);
    expect(second.status).to.equal(200);
    expect(second.headers.get('cache-control')).to.equal('no-store');
    expect(second.body.refresh_token).to.be.a('string').and.not.equal(first.refresh_token);
    expect(second.body.scope).to.equal('profile rides');
    const third = await refresh(second.body.refresh_token as string);
    expect(third.status).to.equal(200);
  });

  it('still honours the previous token inside the grace window (Alexa retries a lost answer)', async () => {
    const first = await linked();
    const second = await refresh(first.refresh_token as string);
    service.clock.advance(graceMs - 1000);
    const retried = await refresh(first.refresh_token as string);
    expect(retried.status, retried.text).to.equal(200);
    // Whichever answer Alexa kept works.
    expect((await refresh(second.body.refresh_token as string)).status).to.equal(200);
  });

  it('treats the previous token after the grace window as stolen: invalid_grant and the whole family revoked', async () => {
    const first = await linked();
    const second = await refresh(first.refresh_token as string);
    service.clock.advance(graceMs + 1000);
    const reused = await refresh(first.refresh_token as string);
    expect(reused.status).to.equal(400);
    expect(reused.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The refresh token was already used; the grant has been revoked. Link the account again.' });
    expect(service.logs.events('token.refused').at(-1)).to.include({ grant_type: 'refresh_token', reason: 'refresh token reused after the grace window' });
    const current = await refresh(second.body.refresh_token as string);
    expect(current.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The refresh token has been revoked.' });
    const claims = service.services.accessTokens.verify(second.body.access_token as string);
    expect(await service.services.revocations.isRevoked(claims)).to.equal(true); // its access tokens end with it
  });

  it('treats a token two generations old as stolen even inside the grace window', async () => {
    const first = await linked();
    const second = await refresh(first.refresh_token as string);
    const third = await refresh(second.body.refresh_token as string);
    const reused = await refresh(first.refresh_token as string);
    expect(reused.body.error).to.equal('invalid_grant');
    expect(service.logs.events('token.refused').at(-1)).to.include({ reason: 'refresh token reused (older generation)' });
    expect((await refresh(third.body.refresh_token as string)).body.error).to.equal('invalid_grant');
  });

  it('narrows scope on request and refuses a wider one', async () => {
    const first = await linked();
    const narrowed = await refresh(first.refresh_token as string, { scope: 'rides' });
    expect(narrowed.status).to.equal(200);
    expect(narrowed.body.scope).to.equal('rides');
    expect(service.services.accessTokens.verify(narrowed.body.access_token as string).scope).to.equal('rides');
    const wider = await refresh(narrowed.body.refresh_token as string, { scope: 'rides admin' });
    expect(wider.status).to.equal(400);
    expect(wider.body).to.deep.equal({ error: 'invalid_scope', error_description: 'The scope admin was not granted to this refresh token.' });
  });

  it('refuses malformed, unknown and missing refresh tokens', async () => {
    expect((await refresh('not-a-refresh-token')).body).to.deep.equal({ error: 'invalid_grant', error_description: 'The refresh token is malformed.' });
    expect((await refresh(`${'a'.repeat(22)}.${'b'.repeat(43)}`)).body).to.deep.equal({ error: 'invalid_grant', error_description: 'The refresh token is unknown or has expired.' });
    expect((await postToken(service, { grant_type: 'refresh_token' })).body).to.deep.equal({ error: 'invalid_request', error_description: 'refresh_token is required for the refresh_token grant.' });
  });

  it('refuses a refresh token issued to another client', async () => {
    service.services.clients.register({ id: 'other-client', secret: 'other-secret-0123456789abcdefgh', redirectUris: [], scopes: ['profile'] });
    const first = await linked();
    const result = await postToken(service, { grant_type: 'refresh_token', refresh_token: first.refresh_token as string }, 'body', '/oauth/token', { id: 'other-client', secret: 'other-secret-0123456789abcdefgh' });
    expect(result.body).to.deep.equal({ error: 'invalid_grant', error_description: 'The refresh token was issued to another client.' });
  });

  it('refuses a refresh token left unused longer than REFRESH_TOKEN_IDLE_TTL', async () => {
    const first = await linked();
    service.clock.advance(86_400_000);
    expect((await refresh(first.refresh_token as string)).body).to.deep.equal({ error: 'invalid_grant', error_description: 'The refresh token has expired.' });
  });

  it('refuses refresh tokens of a user whose grants were all revoked', async () => {
    const first = await linked();
    const user = await service.services.accounts.findByName('rider@example.com');
    await service.services.revocations.revokeUser(user?.id as string, 'test');
    expect((await refresh(first.refresh_token as string)).body.error_description).to.equal('The refresh token has been revoked.');
  });
});
