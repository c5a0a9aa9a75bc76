import { expect } from 'chai';
import { Browser, createRider, hiddenField, obtainCode, redeem } from '../server/oauth/flow-helpers';
import { ADMIN, METRICS_TOKEN, OPS_ENV } from '../server/ops/helpers';
import { rawRequest, requestBytes } from '../support/raw-http';
import { startTestService, type TestService } from '../support/service';
import { type BaseFor, FACE_TIMEOUT_MS, expectNoServerErrors, totals, cookieHeader } from './support';
import { OPS_ENDPOINTS } from './endpoints';

describe('fuzz: health, metrics, the operator pages and unknown paths', function () {
  this.timeout(FACE_TIMEOUT_MS);
  let service: TestService;
  const endpoints = new Map<string, BaseFor>();

  before(async () => {
    service = await startTestService({ env: OPS_ENV });
    const userId = await createRider(service);
    const { code, redirectUri } = await obtainCode(service);
    await redeem(service, code, redirectUri);

    const visitor = new Browser(service.url);
    const loginCsrf = hiddenField(await (await visitor.get('/ops/login')).text(), 'csrf');
    const operator = new Browser(service.url);
    const form = await (await operator.get('/ops/login')).text();
    const signedIn = await operator.postForm('/ops/login', { csrf: hiddenField(form, 'csrf'), username: ADMIN.username, password: ADMIN.password });
    expect(signedIn.status).to.equal(303);
    const userPage = await (await operator.get(`/ops/users?q=${encodeURIComponent(userId)}`)).text();
    const sessionCsrf = hiddenField(userPage, 'csrf');
    const family = /name="family" value="([^"]+)"/.exec(userPage)?.[1] ?? 'none';

    endpoints.set('GET /healthz', () => ({ method: 'GET', path: '/healthz' }));
    endpoints.set('GET /readyz', () => ({ method: 'GET', path: '/readyz' }));
    endpoints.set('GET /metrics', () => ({ method: 'GET', path: '/metrics', headers: [['Authorization', `Bearer ${METRICS_TOKEN}`]] }));
    endpoints.set('GET /no/such/path', () => ({ method: 'GET', path: '/no/such/path', query: [['a', '1']] }));
    endpoints.set('GET /ops/login', () => ({ method: 'GET', path: '/ops/login', headers: cookieHeader(visitor) }));
    endpoints.set('POST /ops/login', () => ({
      method: 'POST',
      path: '/ops/login',
      headers: cookieHeader(visitor),
      body: { kind: 'form', fields: [['csrf', loginCsrf], ['username', ADMIN.username], ['password', 'not the operator password']] },
    }));
    endpoints.set('GET /ops/assets/ops.css', () => ({ method: 'GET', path: '/ops/assets/ops.css' }));
    endpoints.set('GET /ops', () => ({ method: 'GET', path: '/ops', headers: cookieHeader(operator) }));
    endpoints.set('GET /ops/users', (prng) => ({ method: 'GET', path: '/ops/users', query: [['q', prng.pick([userId, 'rider@example.com', 'nobody'])]], headers: cookieHeader(operator) }));
    endpoints.set('POST /ops/users/revoke', (prng) => ({
      method: 'POST',
      path: '/ops/users/revoke',
      headers: cookieHeader(operator),
      body: { kind: 'form', fields: [['csrf', sessionCsrf], ['user', userId], ...(prng.chance(0.5) ? [['family', family] as [string, string]] : [])] },
    }));
    // Last: a request that gets through ends the session the others use.
    endpoints.set('POST /ops/logout', () => ({ method: 'POST', path: '/ops/logout', headers: cookieHeader(operator), body: { kind: 'form', fields: [['csrf', sessionCsrf]] } }));
  });
  after(async () => {
    console.log(`      ops: ${totals.sent} fuzz requests so far, ${totals.failures} failures`);
    await service?.close();
  });

  const errorLines = (): Array<Record<string, unknown>> => service.logs.lines.filter((line) => (line.level as number) >= 50);

  for (const name of OPS_ENDPOINTS) {
    it(`${name}: no 5xx and no unanswered request`, async () => {
      await expectNoServerErrors(service.url, name, endpoints.get(name) as BaseFor, errorLines);
    });
  }

  it('still answers health, metrics and the operator sign-in afterwards', async () => {
    expect((await fetch(`${service.url}/healthz`)).status).to.equal(200);
    expect((await fetch(`${service.url}/readyz`)).status).to.equal(200);
    expect((await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status).to.equal(200);
    const login = await rawRequest(service.url, requestBytes('GET', '/ops/login', []));
    expect(login.status).to.equal(200);
  });
});
