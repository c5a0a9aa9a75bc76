import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { LoginLimiter } from '../../../server/oauth/login-limiter';
import { RedisStore } from '../../../server/store/redis';
import { testRedisUrl } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { authorizeQuery, Browser, createRider, inlineError, openAuthorize, PASSWORD, signIn, USERNAME } from './flow-helpers';

/** One sign-in attempt on a fresh interaction; returns status and inline error. */
async function attempt(service: TestService, username: string, password: string, headers: Record<string, string> = {}): Promise<{ status: number; error: string | undefined; retryAfter: string | null }> {
  const browser = new Browser(service.url);
  const form = await openAuthorize(browser, authorizeQuery());
  const response = await browser.postForm('/oauth/login', { ...form, username, password }, headers);
  return { status: response.status, error: inlineError(await response.text()), retryAfter: response.headers.get('retry-after') };
}

describe('sign-in rate limits', () => {
  let service: TestService;
  afterEach(async () => service?.close());

  it('stops guessing on one account after LOGIN_MAX_ATTEMPTS_PER_ACCOUNT, even with the right password, until the window passes', async () => {
    service = await startTestService({ env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3', LOGIN_WINDOW: '600' } });
    await createRider(service);
    await createRider(service, 'other@example.com', 'another long password');
    for (let i = 0; i < 3; i += 1) expect((await attempt(service, USERNAME, `wrong ${i}`)).status).to.equal(400);
    const limited = await attempt(service, USERNAME, PASSWORD);
    expect(limited.status).to.equal(429);
    expect(limited.error).to.equal('Too many sign-in attempts. Wait 10 minutes, then try again.');
    expect(limited.retryAfter).to.equal('600');
    expect(service.logs.events('login.rate_limited').at(-1)).to.include({ limit: 'account' });
    // Another account from the same address is not affected.
    expect((await attempt(service, 'other@example.com', 'another long password')).status).to.equal(303);
    service.clock.advance(600_000);
    expect((await attempt(service, USERNAME, PASSWORD)).status).to.equal(303);
  });

  it('clears an account\'s count when it signs in', async () => {
    service = await startTestService({ env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3' } });
    await createRider(service);
    expect((await attempt(service, USERNAME, 'wrong 1')).status).to.equal(400);
    expect((await attempt(service, USERNAME, 'wrong 2')).status).to.equal(400);
    expect((await attempt(service, USERNAME, PASSWORD)).status).to.equal(303);
    expect((await attempt(service, USERNAME, 'wrong 3')).status).to.equal(400);
    expect((await attempt(service, USERNAME, 'wrong 4')).status).to.equal(400);
    expect((await attempt(service, USERNAME, PASSWORD)).status).to.equal(303);
  });

  it('stops one address trying many accounts after LOGIN_MAX_ATTEMPTS_PER_ADDRESS, counting addresses behind a trusted proxy', async () => {
    service = await startTestService({ env: { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '4', TRUST_PROXY: 'loopback' } });
    await createRider(service);
    const attacker = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 4; i += 1) expect((await attempt(service, `user${i}@example.com`, 'guess', attacker)).status).to.equal(400);
    const limited = await attempt(service, `user9@example.com`, 'guess', attacker);
    expect(limited.status).to.equal(429);
    expect(service.logs.events('login.rate_limited').at(-1)).to.include({ limit: 'address' });
    // The rider, at another address, still signs in.
    expect((await attempt(service, USERNAME, PASSWORD, { 'x-forwarded-for': '198.51.100.20' })).status).to.equal(303);
  });

  it('counts before checking, so concurrent guesses cannot slip past the limit', async () => {
    service = await startTestService({ env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '3' } });
    await createRider(service);
    const forms = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const browser = new Browser(service.url);
        return { browser, form: await openAuthorize(browser, authorizeQuery()) };
      }),
    );
    const statuses = await Promise.all(forms.map(({ browser, form }) => browser.postForm('/oauth/login', { ...form, username: USERNAME, password: 'wrong' }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 400)).to.have.length(3);
    expect(statuses.filter((s) => s === 429)).to.have.length(5);
  });

  it('keeps the sign-in usable after a limited attempt on the same page once the window passes', async () => {
    service = await startTestService({ env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1', LOGIN_WINDOW: '60' } });
    await createRider(service);
    const browser = new Browser(service.url);
    const form = await openAuthorize(browser, authorizeQuery());
    expect((await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: 'wrong' })).status).to.equal(400);
    expect((await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: PASSWORD })).status).to.equal(429);
    service.clock.advance(60_000);
    await signIn(browser, form);
  });

  it('never lets wrong passwords from one address lock the owner out from another', async () => {
    service = await startTestService({ store: 'redis', env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '5', TRUST_PROXY: 'loopback' } });
    await createRider(service);
    const attacker = { 'x-forwarded-for': '203.0.113.7' };
    for (let i = 0; i < 5; i += 1) expect((await attempt(service, USERNAME, `wrong ${i}`, attacker)).status).to.equal(400);
    expect((await attempt(service, USERNAME, PASSWORD, attacker)).status).to.equal(429);
    expect((await attempt(service, USERNAME, PASSWORD, { 'x-forwarded-for': '198.51.100.20' })).status).to.equal(303);
    expect((await attempt(service, USERNAME, PASSWORD, { 'x-forwarded-for': '2001:db8:1:2::9' })).status).to.equal(303);
  });

  it('does not count successful sign-ins against the address', async () => {
    service = await startTestService({ store: 'redis', env: { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '3' } });
    await createRider(service);
    for (let i = 0; i < 6; i += 1) expect((await attempt(service, USERNAME, PASSWORD)).status, `sign-in ${i + 1}`).to.equal(303);
    for (let i = 0; i < 3; i += 1) expect((await attempt(service, USERNAME, `wrong ${i}`)).status).to.equal(400);
    expect((await attempt(service, USERNAME, PASSWORD)).status).to.equal(429);
  });

  it('only slows, never locks, an account guessed at from many addresses', async () => {
    service = await startTestService({ store: 'redis', env: { LOGIN_MAX_ATTEMPTS_PER_ACCOUNT: '1', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1', TRUST_PROXY: 'loopback' } });
    await createRider(service);
    // Twenty times the per-account limit, each guess from its own address.
    for (let i = 0; i < 20; i += 1) expect((await attempt(service, USERNAME, 'guess', { 'x-forwarded-for': `203.0.113.${i + 1}` })).status).to.equal(400);
    const started = Date.now();
    const owner = await attempt(service, USERNAME, PASSWORD, { 'x-forwarded-for': '198.51.100.20' });
    expect(owner.status).to.equal(303);
    expect(Date.now() - started, 'the attempt was slowed').to.be.at.least(900);
  });
});

describe('LoginLimiter.unlock (real redis-server)', () => {
  it("clears an account's limits from every address, and only that account's", async () => {
    const store = new RedisStore({ url: await testRedisUrl(), keyPrefix: `unlock:${randomUUID()}:` });
    const limiter = new LoginLimiter(store, { maxPerAccount: 2, maxPerAddress: 100, windowSec: 600 });
    try {
      for (const address of ['203.0.113.7', '2001:db8::1']) {
        for (let i = 0; i < 2; i += 1) expect(await limiter.attempt(USERNAME, address)).to.equal(undefined);
        expect(await limiter.attempt(USERNAME, address)).to.equal('account');
      }
      for (let i = 0; i < 3; i += 1) await limiter.attempt('other@example.com', '203.0.113.7');
      await limiter.unlock(' Rider@Example.com ');
      expect(await limiter.attempt(USERNAME, '203.0.113.7')).to.equal(undefined);
      expect(await limiter.attempt(USERNAME, '2001:db8::1')).to.equal(undefined);
      expect(await limiter.attempt('other@example.com', '203.0.113.7')).to.equal('account');
    } finally {
      await store.close();
    }
  });
});
