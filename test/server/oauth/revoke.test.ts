import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { createRider, obtainCode, postToken, redeem } from './flow-helpers';

describe('POST /oauth/revoke (RFC 7009)', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
    await createRider(service);
    service.services.clients.register({ id: 'other-client', secret: 'other-secret-0123456789abcdefgh', redirectUris: [], scopes: ['profile'] });
  });
  after(async () => service?.close());

  async function linked(): Promise<{ access: string; refresh: string }> {
    const { code, redirectUri } = await obtainCode(service);
    const body = await redeem(service, code, redirectUri);
    return { access: body.access_token as string, refresh: body.refresh_token as string };
  }
  const revoke = (fields: Record<string, string | undefined>, auth: 'basic' | 'body' | 'none' = 'basic') => postToken(service, fields, auth, '/oauth/revoke');
  const refresh = (token: string) => postToken(service, { grant_type: 'refresh_token', refresh_token: token });

  it('revokes a refresh token\'s whole family, and the access tokens minted from it', async () => {
    const tokens = await linked();
    const rotated = await refresh(tokens.refresh);
    const result = await revoke({ token: rotated.body.refresh_token as string, token_type_hint: 'refresh_token' });
    expect(result.status).to.equal(200);
    expect(result.text).to.equal('');
    expect(result.headers.get('cache-control')).to.equal('no-store');
    expect((await refresh(rotated.body.refresh_token as string)).body.error_description).to.equal('The refresh token has been revoked.');
    for (const access of [tokens.access, rotated.body.access_token as string]) {
      expect(await service.services.revocations.isRevoked(service.services.accessTokens.verify(access))).to.equal(true);
    }
    expect(service.logs.events('revoke.done').at(-1)).to.include({ found: 'refresh_token' });
  });

  it('revokes the family of an access token (its sid), refresh tokens included, whatever the hint says', async () => {
    for (const hint of ['access_token', 'refresh_token', undefined]) {
      const tokens = await linked();
      expect((await revoke({ token: tokens.access, token_type_hint: hint }, 'body')).status).to.equal(200);
      expect(await service.services.revocations.isRevoked(service.services.accessTokens.verify(tokens.access))).to.equal(true);
      expect((await refresh(tokens.refresh)).body.error).to.equal('invalid_grant');
    }
  });

  it('answers 200 for unknown, malformed and already revoked tokens', async () => {
    const tokens = await linked();
    expect((await revoke({ token: tokens.refresh })).status).to.equal(200);
    for (const token of [tokens.refresh, 'nonsense', `${'a'.repeat(22)}.${'b'.repeat(43)}`, 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']) {
      const result = await revoke({ token });
      expect(result.status, token).to.equal(200);
    }
  });

  it('refuses a token issued to another client, and leaves it working', async () => {
    const tokens = await linked();
    const result = await postToken(service, { token: tokens.refresh }, 'body', '/oauth/revoke', { id: 'other-client', secret: 'other-secret-0123456789abcdefgh' });
    expect(result.status).to.equal(400);
    expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'The token was not issued to this client.' });
    expect((await refresh(tokens.refresh)).status).to.equal(200);
  });

  it('refuses an unsupported token_type_hint, a missing token, and unauthenticated callers', async () => {
    const tokens = await linked();
    let result = await revoke({ token: tokens.refresh, token_type_hint: 'id_token' });
    expect(result.status).to.equal(400);
    expect(result.body).to.deep.equal({ error: 'unsupported_token_type', error_description: 'token_type_hint "id_token" is not supported: use access_token or refresh_token.' });
    result = await revoke({});
    expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'token is required.' });
    result = await revoke({ token: tokens.refresh }, 'none');
    expect(result.status).to.equal(401);
    expect(result.body.error).to.equal('invalid_client');
    expect(result.headers.get('www-authenticate')).to.match(/^Basic /);
    result = await postToken(service, { token: tokens.refresh }, 'basic', '/oauth/revoke', { id: service.services.settings.oauth.clientId, secret: 'wrong' });
    expect(result.status).to.equal(401);
    // None of those revoked anything.
    expect((await refresh(tokens.refresh)).status).to.equal(200);
    expect(service.logs.events('revoke.refused').at(-1)).to.include({ reason: 'client auth: wrong client secret (Basic)' });
  });

  it('accepts form bodies only', async () => {
    const response = await fetch(`${service.url}/oauth/revoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"token":"x"}' });
    expect(response.status).to.equal(400);
    expect(await response.json()).to.include({ error: 'invalid_request' });
  });
});
