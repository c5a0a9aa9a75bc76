import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { opsOf } from '../../../server/ops/ops';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import { metric } from '../ops/helpers';
import { basicAuth, createRider, obtainCode } from './flow-helpers';

const BASIC = basicAuth(TEST_CLIENT_ID, TEST_CLIENT_SECRET);
const FORM = { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC };

/** A token request with raw headers and body bytes. */
async function post(service: TestService, body: string | Buffer, headers: Record<string, string>) {
  const response = await fetch(`${service.url}/oauth/token`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function tokenMetric(service: TestService, labels: Record<string, string>): Promise<number> {
  return metric((await opsOf(service.services).metrics.render()).body, 'linkwright_token_requests_total', labels);
}

describe('POST /oauth/token as a hot route (served from node:http)', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
    await createRider(service);
  });
  after(async () => service?.close());

  it('answers a code exchange with the token JSON, no-store, the security headers, and its request id on every line', async () => {
    const { code, redirectUri } = await obtainCode(service);
    const issuedBefore = await tokenMetric(service, { grant_type: 'authorization_code', outcome: 'issued' });
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }).toString();
    const result = await post(service, body, { ...FORM, 'x-request-id': 'token-hot-1' });

    expect(result.status).to.equal(200);
    expect(result.body).to.have.keys('access_token', 'token_type', 'expires_in', 'refresh_token', 'scope');
    expect(result.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(result.headers.get('cache-control')).to.equal('no-store');
    expect(result.headers.get('pragma')).to.equal('no-cache');
    expect(result.headers.get('x-request-id')).to.equal('token-hot-1');
    expect(result.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(service.logs.events('token.issued').at(-1)).to.include({ reqId: 'token-hot-1', grant_type: 'authorization_code', client_id: TEST_CLIENT_ID, redirect_uri: redirectUri });
    expect(service.logs.events('http.request').find((line) => line.reqId === 'token-hot-1')).to.include({ path: '/oauth/token', status: 200 });
    expect(await tokenMetric(service, { grant_type: 'authorization_code', outcome: 'issued' })).to.equal(issuedBefore + 1);
  });

  it('refuses a body over 16 kB, declared or streamed, with the 413 body, a token.refused line and a count', async () => {
    const refusedBefore = await tokenMetric(service, { grant_type: 'none', outcome: 'invalid_request' });
    const declared = await post(service, `grant_type=refresh_token&junk=${'a'.repeat(17_000)}`, { ...FORM, 'x-request-id': 'token-hot-big' });
    expect(declared.status).to.equal(413);
    expect(declared.body).to.deep.equal({ error: 'invalid_request', error_description: 'The request body is too large.' });
    expect(declared.headers.get('cache-control')).to.equal('no-store');
    expect(service.logs.events('token.refused').at(-1)).to.include({ reqId: 'token-hot-big', status: 413, error: 'invalid_request' });

    const chunk = new TextEncoder().encode(`grant_type=refresh_token&junk=${'b'.repeat(9000)}`);
    const response = await fetch(`${service.url}/oauth/token`, {
      method: 'POST',
      headers: FORM,
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(chunk);
          controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).to.equal(413);
    expect(await response.json()).to.deep.equal({ error: 'invalid_request', error_description: 'The request body is too large.' });
    expect(await tokenMetric(service, { grant_type: 'none', outcome: 'invalid_request' })).to.equal(refusedBefore + 2);
  });

  it('reads gzip, deflate and br bodies as express did, and counts the inflated size against the limit', async () => {
    const form = `grant_type=refresh_token&refresh_token=${'x'.repeat(22)}.${'y'.repeat(43)}`;
    for (const [coding, packed] of [
      ['gzip', gzipSync(form)],
      ['deflate', deflateSync(form)],
      ['br', brotliCompressSync(form)],
    ] as const) {
      const result = await post(service, packed, { ...FORM, 'content-encoding': coding });
      // Parsed: the made-up refresh token is what fails.
      expect(result.body, coding).to.include({ error: 'invalid_grant', error_description: 'The refresh token is unknown or has expired.' });
    }
    const bomb = gzipSync(`grant_type=refresh_token&junk=${'z'.repeat(100_000)}`);
    expect(bomb.length).to.be.below(16 * 1024);
    const inflated = await post(service, bomb, { ...FORM, 'content-encoding': 'gzip' });
    expect(inflated.status).to.equal(413);
    expect(inflated.body.error_description).to.equal('The request body is too large.');
  });

  it('refuses an unknown content encoding or charset with 415, and a corrupt compressed body with 400', async () => {
    const form = 'grant_type=refresh_token&refresh_token=abc';
    const encoding = await post(service, form, { ...FORM, 'content-encoding': 'compress' });
    expect(encoding.status).to.equal(415);
    expect(encoding.body).to.deep.equal({ error: 'invalid_request', error_description: 'The request body encoding is not supported.' });
    const charset = await post(service, form, { ...FORM, 'content-type': 'application/x-www-form-urlencoded; charset=utf-16le' });
    expect(charset.status).to.equal(415);
    expect(service.logs.events('token.refused').at(-1)).to.include({ status: 415, reason: 'unsupported charset in "application/x-www-form-urlencoded; charset=utf-16le"' });
    const latin1 = await post(service, form, { ...FORM, 'content-type': 'application/x-www-form-urlencoded; charset="ISO-8859-1"' });
    expect(latin1.body.error).to.equal('invalid_grant'); // read: the token is what fails
    const corrupt = await post(service, Buffer.from('not gzip at all'), { ...FORM, 'content-encoding': 'gzip' });
    expect(corrupt.status).to.equal(400);
    expect(corrupt.body).to.deep.equal({ error: 'invalid_request', error_description: 'The request body could not be decoded: it does not match its Content-Encoding.' });
  });

  it('reads the Authorization header whatever its case, and leaves other methods to express', async () => {
    const form = `grant_type=refresh_token&refresh_token=${'x'.repeat(22)}.${'y'.repeat(43)}`;
    const lower = await post(service, form, { 'Content-Type': 'application/x-www-form-urlencoded', AUTHORIZATION: BASIC });
    expect(lower.body.error).to.equal('invalid_grant'); // authenticated: the made-up token is what fails
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const response = await fetch(`${service.url}/oauth/token`, { method });
      expect(response.status, method).to.equal(405);
      expect(response.headers.get('allow')).to.equal('POST');
    }
  });
});
