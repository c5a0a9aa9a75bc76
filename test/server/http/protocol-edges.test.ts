import { expect } from 'chai';
import { rawRequest, requestBytes } from '../../support/raw-http';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';

const BASIC = `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`;

describe('protocol edges: CONNECT, trailing slashes, the pages’ CSP', () => {
  let service: TestService;

  before(async () => {
    service = await startTestService();
  });
  after(() => service.close());

  it('answers CONNECT with 405 and closes the connection (node:http used to drop the socket unanswered)', async () => {
    const answer = await rawRequest(service.url, requestBytes('CONNECT', 'example.com:443', [['Host', 'example.com:443']]), { untilClosed: true });
    expect(answer.status, answer.head).to.equal(405);
    expect(answer.headers.connection).to.equal('close');
    expect(answer.headers.allow).to.be.a('string');
    expect(JSON.parse(answer.body.toString('utf8'))).to.include({ error: 'method_not_allowed' });
    expect(answer.closed).to.equal(true);
    // A CONNECT with bytes after it: the socket used to stay half-open, unread, and held server.close.
    const withBody = await rawRequest(service.url, requestBytes('CONNECT', 'example.com:443', [['Host', 'example.com:443'], ['Content-Length', '100000']], 'a'.repeat(100_000)), {
      untilClosed: true,
      halfClose: true,
      timeoutMs: 3000,
    });
    expect(withBody.status).to.equal(405);
    expect(withBody.timedOut, 'the server closed the connection').to.equal(false);
    // The server still serves.
    expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
  });

  it('serves POST /oauth/token/ as POST /oauth/token, as express treats every other route', async () => {
    for (const path of ['/oauth/token', '/oauth/token/']) {
      const response = await fetch(`${service.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
        body: 'grant_type=refresh_token&refresh_token=unknown',
      });
      // Before, the trailing slash missed the hot route and express answered 405 "accepts POST only".
      expect(response.status, path).to.equal(400);
      expect(await response.json(), path).to.include({ error: 'invalid_grant' });
    }
    const other = await fetch(`${service.url}/oauth/token/`, { method: 'GET' });
    expect(other.status).to.equal(405);
  });

  it('allows no script and no font on the pages, as the README promises', async () => {
    const response = await fetch(`${service.url}/oauth/authorize`);
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
    expect(directives.get('default-src')).to.deep.equal(["'none'"]);
    expect(directives.has('script-src'), csp).to.equal(false);
    expect(directives.has('font-src'), csp).to.equal(false);
    expect(directives.get('script-src-attr')).to.deep.equal(["'none'"]);
  });
});
