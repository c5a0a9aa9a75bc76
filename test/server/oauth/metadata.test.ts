import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { startTestService, type TestService } from '../../support/service';

describe('authorization server metadata and JWKS', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ env: { OAUTH_SCOPES: 'profile rides' } });
  });
  after(async () => service?.close());

  it('publishes RFC 8414 metadata naming every endpoint under PUBLIC_URL', async () => {
    const response = await fetch(`${service.url}/.well-known/oauth-authorization-server`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    const base = service.services.settings.publicUrl;
    expect(await response.json()).to.deep.equal({
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      introspection_endpoint: `${base}/oauth/introspect`,
      userinfo_endpoint: `${base}/oauth/userinfo`,
      jwks_uri: `${base}/oauth/jwks`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['profile', 'rides'],
      authorization_response_iss_parameter_supported: true,
    });
  });

  it('leaves out the iss flag when the iss parameter is switched off', async () => {
    const quiet = await startTestService({ env: { OAUTH_ISS_PARAMETER: 'false' } });
    try {
      const body = (await (await fetch(`${quiet.url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(body).to.not.have.property('authorization_response_iss_parameter_supported');
    } finally {
      await quiet.close();
    }
  });

  it('serves a JWKS whose key verifies the access tokens the service signs', async () => {
    const response = await fetch(`${service.url}/oauth/jwks`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/jwk-set\+json/);
    const { keys } = (await response.json()) as { keys: Array<JsonWebKey & { kid: string; alg: string }> };
    expect(keys).to.have.length(1);
    expect(keys[0]).to.not.have.property('d'); // public parts only
    const { token } = service.services.accessTokens.sign({ userId: 'u1', clientId: 'c', scope: 'profile', familyId: 'f' });
    const key = keys.find((k) => k.kid === jwt.decode(token, { complete: true })?.header.kid);
    const claims = jwt.verify(token, createPublicKey({ key: key as JsonWebKey, format: 'jwk' }), { algorithms: [key?.alg as jwt.Algorithm] }) as jwt.JwtPayload;
    expect(claims.sub).to.equal('u1');
  });
});
