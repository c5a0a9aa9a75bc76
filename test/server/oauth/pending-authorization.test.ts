import { expect } from 'chai';
import Redis from 'ioredis';
import { RedisStore } from '../../../server/store/redis';
import { RedisServer } from '../../support/redis-server';
import { startTestService, type TestService } from '../../support/service';
import { authorizeQuery, Browser, createRider, headings, obtainCode, openAuthorize, PASSWORD, redeem, USERNAME } from './flow-helpers';

/** Flips one character in the middle of a sealed value, keeping it well-formed base64url. */
function tamper(sealed: string): string {
  const at = Math.floor(sealed.length * 0.6);
  const flipped = sealed[at] === 'A' ? 'B' : 'A';
  return sealed.slice(0, at) + flipped + sealed.slice(at + 1);
}

describe('the pending authorization request is sealed into the page, not stored (real redis-server)', () => {
  let redis: RedisServer;
  let admin: Redis;
  let service: TestService;
  before(async () => {
    redis = await RedisServer.start();
    admin = new Redis(redis.url);
    service = await startTestService({ store: new RedisStore({ url: redis.url, keyPrefix: 'pending:' }), env: { LOGIN_INTERACTION_TTL: '600' } });
    await createRider(service);
  });
  after(async () => {
    await service?.close();
    admin?.disconnect();
    await redis?.destroy();
  });

  const keyCount = async (pattern: string): Promise<number> => (await admin.keys(`pending:${pattern}`)).length;

  it('stores nothing for any number of authorization requests before sign-in', async () => {
    const warm = new Browser(service.url);
    await openAuthorize(warm, authorizeQuery()); // the first sighting of the client may record traffic once
    const keysBefore = await admin.dbsize();
    const memoryBefore = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    const requests = 300;
    for (let batch = 0; batch < requests / 30; batch += 1) {
      await Promise.all(Array.from({ length: 30 }, (_, i) => openAuthorize(new Browser(service.url), authorizeQuery({ state: `state-${batch}-${i}-${'x'.repeat(2000)}` }))));
    }
    const keysAfter = await admin.dbsize();
    const memoryAfter = Number(/used_memory:(\d+)/.exec(await admin.info('memory'))?.[1]);
    expect(await keyCount('interaction:*'), 'interaction records').to.equal(0);
    expect(keysAfter - keysBefore, 'keys added by 300 authorization requests').to.be.at.most(2);
    expect(memoryAfter - memoryBefore, 'bytes of Redis memory added by 300 authorization requests').to.be.below(64 * 1024);
  });

  it('still completes the whole flow, storing the interaction only once the user signed in', async () => {
    const { code, redirectUri } = await obtainCode(service);
    const tokens = await redeem(service, code, redirectUri);
    expect(tokens.refresh_token).to.be.a('string');
    expect(await keyCount('interaction:*')).to.be.at.least(1);
  });

  it('refuses an altered sealed request with a page, and signs nobody in', async () => {
    const browser = new Browser(service.url);
    const form = await openAuthorize(browser, authorizeQuery());
    const response = await browser.postForm('/oauth/login', { ...form, interaction: tamper(form.interaction), username: USERNAME, password: PASSWORD });
    expect(response.status).to.equal(400);
    expect(headings(await response.text())).to.deep.equal(['This page has expired']);
    expect(response.headers.get('location')).to.equal(null);
  });

  it('refuses an oversized interaction field with a page, before opening it', async () => {
    const browser = new Browser(service.url);
    const form = await openAuthorize(browser, authorizeQuery());
    const response = await browser.postForm('/oauth/login', { ...form, interaction: `${form.interaction}${'A'.repeat(17_000)}`, username: USERNAME, password: PASSWORD });
    expect(response.status).to.equal(400);
    expect(headings(await response.text())).to.deep.equal(['The form could not be read']);
  });

  it('refuses a sealed request after its lifetime with a page', async () => {
    const browser = new Browser(service.url);
    const form = await openAuthorize(browser, authorizeQuery());
    service.clock.advance(601_000);
    const response = await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: PASSWORD });
    expect(response.status).to.equal(400);
    expect(headings(await response.text())).to.deep.equal(['This page has expired']);
  });

  it('refuses a sealed request posted from another browser (login CSRF) with a page', async () => {
    const victim = new Browser(service.url);
    const attackerForm = await openAuthorize(new Browser(service.url), authorizeQuery());
    await openAuthorize(victim, authorizeQuery()); // the victim has a binding cookie of their own
    const response = await victim.postForm('/oauth/login', { ...attackerForm, username: USERNAME, password: PASSWORD });
    expect(response.status).to.equal(403);
    expect(headings(await response.text())).to.deep.equal(['Please start again']);
  });

  it('refuses a sealed value that is well-formed but made under another key', async () => {
    const other = await startTestService();
    try {
      const foreign = await openAuthorize(new Browser(other.url), authorizeQuery());
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const response = await browser.postForm('/oauth/login', { ...form, interaction: foreign.interaction, username: USERNAME, password: PASSWORD });
      expect(response.status).to.equal(400);
      expect(headings(await response.text())).to.deep.equal(['This page has expired']);
    } finally {
      await other.close();
    }
  });
});
