import { expect } from 'chai';
import nock from 'nock';
import { AmazonHttp, parseRetryAfter, type RetryPolicy } from '../../../app-links/amazon/http';
import { AppLinkError } from '../../../app-links/errors';
import { ManualClock } from '../../../server/clock';
import { silentLogger } from '../../../server/log';
import { isolateNetwork } from '../support';

const HOST = 'https://api.amazon.com';

function client(policy: Partial<RetryPolicy> = {}, timeoutMs = 1000): { http: AmazonHttp; waits: number[] } {
  const waits: number[] = [];
  const http = new AmazonHttp({
    timeoutMs,
    policy: { retries: 2, baseDelayMs: 100, maxRetryAfterMs: 2000, ...policy },
    log: silentLogger(),
    clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')),
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
  });
  return { http, waits };
}

describe('app-links AmazonHttp (retries, backoff, timeouts)', () => {
  isolateNetwork();

  it('returns a success at once, without waiting', async () => {
    nock(HOST).get('/ok').reply(200, { fine: true });
    const { http, waits } = client();
    const response = await http.send('test', () => ({ method: 'GET', url: `${HOST}/ok` }));
    expect(response.status).to.equal(200);
    expect(response.data).to.deep.equal({ fine: true });
    expect(waits).to.deep.equal([]);
  });

  it('retries 5xx with exponential backoff and equal jitter, then returns the success', async () => {
    nock(HOST).get('/flaky').reply(500).get('/flaky').reply(503).get('/flaky').reply(200, {});
    const { http, waits } = client();
    const response = await http.send('test', () => ({ method: 'GET', url: `${HOST}/flaky` }));
    expect(response.status).to.equal(200);
    // base 100: attempt 0 waits within [50, 100], attempt 1 within [100, 200]; random 0.5 puts them at 75 and 150.
    expect(waits).to.deep.equal([75, 150]);
  });

  it('gives up after the configured retries and returns the last 5xx for the caller to map', async () => {
    nock(HOST).get('/down').times(3).reply(502);
    const { http, waits } = client();
    const response = await http.send('test', () => ({ method: 'GET', url: `${HOST}/down` }));
    expect(response.status).to.equal(502);
    expect(waits).to.have.length(2);
  });

  it('honours a small Retry-After on 429 (seconds and HTTP date)', async () => {
    nock(HOST)
      .get('/busy')
      .reply(429, {}, { 'Retry-After': '1' })
      .get('/busy')
      .reply(429, {}, { 'Retry-After': new Date(Date.parse('2026-01-01T00:00:02Z')).toUTCString() })
      .get('/busy')
      .reply(200, {});
    const { http, waits } = client();
    const response = await http.send('test', () => ({ method: 'GET', url: `${HOST}/busy` }));
    expect(response.status).to.equal(200);
    expect(waits).to.deep.equal([1000, 2000]);
  });

  it('stops at once when Retry-After asks for longer than it will wait', async () => {
    nock(HOST).get('/later').reply(429, {}, { 'Retry-After': '120' });
    const { http, waits } = client();
    const response = await http.send('test', () => ({ method: 'GET', url: `${HOST}/later` }));
    expect(response.status).to.equal(429);
    expect(waits).to.deep.equal([]);
  });

  it('never retries another 4xx', async () => {
    nock(HOST).post('/refused').once().reply(400, { error: 'invalid_grant' });
    const { http, waits } = client();
    const response = await http.send('test', () => ({ method: 'POST', url: `${HOST}/refused`, data: 'x=1' }));
    expect(response.status).to.equal(400);
    expect(waits).to.deep.equal([]);
  });

  it('retries network errors and then fails with amazon_unavailable', async () => {
    nock(HOST).get('/reset').times(3).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const { http, waits } = client();
    const failure = await http.send('lwa.token', () => ({ method: 'GET', url: `${HOST}/reset` })).catch((error: unknown) => error);
    expect(failure).to.be.instanceOf(AppLinkError);
    expect((failure as AppLinkError).appCode).to.equal('amazon_unavailable');
    expect((failure as AppLinkError).reason).to.include('ECONNRESET').and.include('3 attempt(s)');
    expect(waits).to.have.length(2);
  });

  it('times out a slow answer and recovers on the retry', async () => {
    nock(HOST).get('/slow').delay(400).reply(200, { late: true }).get('/slow').reply(200, { late: false });
    const { http } = client({ retries: 1 }, 100);
    const response = await http.send('test', () => ({ method: 'GET', url: `${HOST}/slow` }));
    expect(response.data).to.deep.equal({ late: false });
  });

  it('builds each attempt afresh (a retried enablement must carry a new code)', async () => {
    const seen: string[] = [];
    nock(HOST)
      .post('/enable', (body: { n: number }) => {
        seen.push(String(body.n));
        return true;
      })
      .reply(500)
      .post('/enable', (body: { n: number }) => {
        seen.push(String(body.n));
        return true;
      })
      .reply(201, {});
    const { http } = client();
    const response = await http.send('test', (attempt) => ({ method: 'POST', url: `${HOST}/enable`, data: { n: attempt } }));
    expect(response.status).to.equal(201);
    expect(seen).to.deep.equal(['0', '1']);
  });

  it('does not follow redirects (a bearer token must not travel to another host)', async () => {
    nock(HOST).get('/moved').reply(302, '', { Location: 'https://elsewhere.example/steal' });
    const { http } = client();
    const response = await http.send('test', () => ({ method: 'GET', url: `${HOST}/moved`, headers: { Authorization: 'Bearer secret' } }));
    expect(response.status).to.equal(302);
  });

  it('parses Retry-After forms and refuses garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).to.equal(3000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).to.equal(5000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('soon', now)).to.equal(undefined);
  });
});
