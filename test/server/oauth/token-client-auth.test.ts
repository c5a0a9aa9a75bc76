import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import { basicAuth, createRider, obtainCode, postToken } from './flow-helpers';

/** A token request with hand-made headers and body, for what the helpers would not send. */
async function rawTokenRequest(service: TestService, body: string, headers: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(`${service.url}/oauth/token`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe('POST /oauth/token: client authentication and request format', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
    await createRider(service);
  });
  after(async () => service?.close());

  const refreshFields = { grant_type: 'refresh_token', refresh_token: 'x'.repeat(22) + '.' + 'y'.repeat(43) };

  describe('client authentication', () => {
    it('refuses a request with no credentials: 401 invalid_client with a Basic challenge', async () => {
      const result = await postToken(service, refreshFields, 'none');
      expect(result.status).to.equal(401);
      expect(result.body.error).to.equal('invalid_client');
      expect(result.body.error_description).to.include('Client authentication is required');
      expect(result.headers.get('www-authenticate')).to.match(/^Basic realm="linkwright"/);
      expect(result.headers.get('cache-control')).to.equal('no-store');
    });

    it('refuses a wrong secret by either scheme, saying which half is wrong', async () => {
      for (const auth of ['basic', 'body'] as const) {
        const result = await postToken(service, refreshFields, auth, '/oauth/token', { id: TEST_CLIENT_ID, secret: 'not-the-secret' });
        expect(result.status).to.equal(401);
        expect(result.body).to.deep.equal({ error: 'invalid_client', error_description: 'Client authentication failed: the client secret is wrong.' });
        expect(result.headers.get('www-authenticate')).to.match(/^Basic /);
      }
      const reasons = service.logs.events('token.refused').slice(-2).map((line) => line.reason);
      expect(reasons).to.deep.equal(['client auth: wrong client secret (Basic)', 'client auth: wrong client secret (body)']);
    });

    it('refuses an unknown client by either scheme', async () => {
      for (const auth of ['basic', 'body'] as const) {
        const result = await postToken(service, refreshFields, auth, '/oauth/token', { id: 'stranger', secret: TEST_CLIENT_SECRET });
        expect(result.status).to.equal(401);
        expect(result.body.error_description).to.equal('Client authentication failed: the client_id is not registered here.');
      }
      expect(service.logs.events('token.refused').at(-1)).to.include({ client_id: 'stranger', reason: 'client auth: unknown client_id (body)' });
    });

    it('refuses Basic and body credentials together (invalid_request)', async () => {
      const body = new URLSearchParams({ ...refreshFields, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET });
      const result = await rawTokenRequest(service, body.toString(), { ...FORM, authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) });
      expect(result.status).to.equal(400);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'Use one client authentication method: HTTP Basic or client_secret in the body, not both.' });
    });

    it('accepts a body client_id next to Basic when it is the same client, refuses a different one', async () => {
      const { code, redirectUri } = await obtainCode(service);
      const same = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: TEST_CLIENT_ID });
      const ok = await rawTokenRequest(service, same.toString(), { ...FORM, authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) });
      expect(ok.status).to.equal(200);
      const other = new URLSearchParams({ ...refreshFields, client_id: 'someone-else' });
      const refused = await rawTokenRequest(service, other.toString(), { ...FORM, authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) });
      expect(refused.status).to.equal(400);
      expect(refused.body.error_description).to.equal('client_id in the body differs from the one in the Authorization header.');
    });

    it('refuses client_id without client_secret and client_secret without client_id in the body', async () => {
      let result = await rawTokenRequest(service, new URLSearchParams({ ...refreshFields, client_id: TEST_CLIENT_ID }).toString(), FORM);
      expect(result.status).to.equal(401);
      expect(result.body.error_description).to.equal('client_secret is required: this client authenticates with a secret.');
      result = await rawTokenRequest(service, new URLSearchParams({ ...refreshFields, client_secret: TEST_CLIENT_SECRET }).toString(), FORM);
      expect(result.status).to.equal(401);
      expect(result.body.error_description).to.equal('client_secret was sent without client_id.');
    });

    it('refuses malformed Basic credentials and other Authorization schemes', async () => {
      const body = new URLSearchParams(refreshFields).toString();
      const cases: Array<[string, string]> = [
        ['Basic !!!notbase64', 'The Basic credentials are not valid base64.'],
        [`Basic ${Buffer.from('no-colon-here').toString('base64')}`, 'The Basic credentials must be client_id:client_secret.'],
        [`Basic ${Buffer.from(`:${TEST_CLIENT_SECRET}`).toString('base64')}`, 'The Basic credentials have an empty client_id.'],
        ['Bearer abc.def.ghi', 'The Authorization scheme "Bearer" is not accepted here: use Basic, or credentials in the body.'],
      ];
      for (const [authorization, description] of cases) {
        const result = await rawTokenRequest(service, body, { ...FORM, authorization });
        expect(result.status, authorization).to.equal(401);
        expect(result.body).to.deep.equal({ error: 'invalid_client', error_description: description });
        expect(result.headers.get('www-authenticate')).to.match(/^Basic /);
      }
    });

    it('accepts Basic credentials both form-encoded (RFC 6749 §2.3.1) and as they are, for secrets with special characters', async () => {
      const special = await startTestService({ env: { OAUTH_CLIENT_ID: 'alexa skill', OAUTH_CLIENT_SECRET: 'se+cr%t/with=special chars:and:colons' } });
      try {
        await createRider(special);
        const id = 'alexa skill';
        const secret = 'se+cr%t/with=special chars:and:colons';
        const asIs = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
        for (const authorization of [basicAuth(id, secret), asIs]) {
          const result = await rawTokenRequest(special, new URLSearchParams(refreshFields).toString(), { ...FORM, authorization });
          // Authentication passed: the refusal is about the (made-up) refresh token, not the client.
          expect(result.status, authorization).to.equal(400);
          expect(result.body.error).to.equal('invalid_grant');
        }
      } finally {
        await special.close();
      }
    });
  });

  describe('request format', () => {
    it('accepts only application/x-www-form-urlencoded', async () => {
      const json = await rawTokenRequest(service, JSON.stringify(refreshFields), { 'content-type': 'application/json', authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) });
      expect(json.status).to.equal(400);
      expect(json.body).to.deep.equal({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded, not application/json.' });
      const none = await rawTokenRequest(service, 'grant_type=refresh_token', { authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) });
      expect(none.status).to.equal(400);
      expect(none.body.error).to.equal('invalid_request');
      const charset = await rawTokenRequest(service, new URLSearchParams(refreshFields).toString(), { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) });
      expect(charset.body.error).to.equal('invalid_grant'); // parsed fine: the made-up token is what fails
    });

    it('refuses an oversized body with 413', async () => {
      const result = await rawTokenRequest(service, `grant_type=refresh_token&junk=${'a'.repeat(20_000)}`, { ...FORM, authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) });
      expect(result.status).to.equal(413);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'The request body is too large.' });
    });

    it('refuses duplicated, oversized and badly encoded parameters', async () => {
      const auth = { ...FORM, authorization: basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET) };
      let result = await rawTokenRequest(service, 'grant_type=refresh_token&grant_type=authorization_code', auth);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'The grant_type parameter was sent more than once.' });
      result = await rawTokenRequest(service, `grant_type=authorization_code&code=${'c'.repeat(600)}`, auth);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'The code parameter is longer than 512 characters.' });
      result = await rawTokenRequest(service, 'grant_type=authorization_code&code=%FF%FE', auth);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'The code parameter is not valid percent-encoded UTF-8.' });
      result = await rawTokenRequest(service, `grant_type=refresh_token&client_id=${TEST_CLIENT_ID}&client_id=x&client_secret=${TEST_CLIENT_SECRET}`, FORM);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'The client_id parameter was sent more than once.' });
    });

    it('treats empty parameters as absent (RFC 6749 §3.1)', async () => {
      const result = await postToken(service, { grant_type: 'authorization_code', code: '' }, 'basic');
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'code is required for the authorization_code grant.' });
    });

    it('refuses a missing or unsupported grant_type', async () => {
      let result = await postToken(service, {}, 'basic');
      expect(result.status).to.equal(400);
      expect(result.body).to.deep.equal({ error: 'invalid_request', error_description: 'grant_type is required.' });
      for (const grant of ['password', 'implicit']) {
        result = await postToken(service, { grant_type: grant }, 'body');
        expect(result.status).to.equal(400);
        expect(result.body).to.deep.equal({ error: 'unsupported_grant_type', error_description: `The grant_type "${grant}" is not supported: use authorization_code, refresh_token or client_credentials.` });
      }
      expect(service.logs.events('token.refused').at(-1)).to.include({ grant_type: 'implicit', client_id: TEST_CLIENT_ID, error: 'unsupported_grant_type' });
    });

    it('answers GET with 405', async () => {
      const response = await fetch(`${service.url}/oauth/token`);
      expect(response.status).to.equal(405);
      expect(response.headers.get('allow')).to.equal('POST');
    });
  });
});
