import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { Browser, hiddenField } from '../oauth/flow-helpers';
import { ADMIN, OPS_ENV } from './helpers';

/** One operator sign-in from an address (behind the trusted loopback proxy); returns the status. */
async function signIn(service: TestService, address: string, password: string, username = ADMIN.username): Promise<number> {
  const browser = new Browser(service.url);
  const csrf = hiddenField(await (await browser.get('/ops/login')).text(), 'csrf');
  return (await browser.postForm('/ops/login', { csrf, username, password }, { 'x-forwarded-for': address })).status;
}

describe('operator sign-in limits', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startTestService({ store: 'redis', env: { ...OPS_ENV, OPS_LOGIN_MAX_ATTEMPTS: '4', TRUST_PROXY: 'loopback' } });
  });
  afterEach(async () => service?.close());

  it('cannot be turned into a lock-out: failures from one address never keep the operator out at another', async () => {
    const attacker = '203.0.113.7';
    // Far past what the old all-addresses budget allowed (ten times the per-address limit), under many names.
    const statuses: number[] = [];
    for (let i = 0; i < 45; i += 1) statuses.push(await signIn(service, attacker, `guess ${i}`, i % 3 === 0 ? ADMIN.username : `name${i}`));
    expect(statuses.slice(0, 4)).to.deep.equal([401, 401, 401, 401]);
    expect(statuses.at(-1)).to.equal(429);
    expect(await signIn(service, attacker, ADMIN.password)).to.equal(429);
    expect(await signIn(service, '198.51.100.20', ADMIN.password)).to.equal(303);
    expect(await signIn(service, '2001:db8:5::1', ADMIN.password)).to.equal(303);
  });

  it('does not count successful sign-ins against the address', async () => {
    for (let i = 0; i < 8; i += 1) expect(await signIn(service, '198.51.100.20', ADMIN.password), `sign-in ${i + 1}`).to.equal(303);
    for (let i = 0; i < 4; i += 1) expect(await signIn(service, '198.51.100.20', `guess ${i}`)).to.equal(401);
    expect(await signIn(service, '198.51.100.20', ADMIN.password)).to.equal(429);
  });
});
