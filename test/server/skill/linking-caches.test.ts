import { expect } from 'chai';
import type { Account } from '../../../server/accounts/directory';
import { ManualClock } from '../../../server/clock';
import { createLogger } from '../../../server/log';
import type { AccessTokenClaims } from '../../../server/oauth/access-tokens';
import { DISPLAY_NAME_TTL_MS, Profiles } from '../../../server/skill/profiles';
import { BuiltinTokenResolver } from '../../../server/identity/builtin-resolver';
import { RevocationCache } from '../../../server/identity/revocation-cache';
import { VerifiedTokenCache } from '../../../server/identity/verified-tokens';
import { launchRequest, postToSkill, speechOf } from '../../support/alexa-requests';
import { CapturedLog, type TestService } from '../../support/service';
import { linkRider, startSkillService } from './skill-test-kit';

describe('skill: verified access tokens are remembered until they expire', () => {
  let service: TestService;
  let verifications: string[];

  beforeEach(async () => {
    // Whole seconds, as JWT claims count time, so "exactly at exp" is an exact clock reading.
    service = await startSkillService({}, { clock: new ManualClock(Math.floor(Date.now() / 1000) * 1000) });
    verifications = [];
  });
  afterEach(async () => service.close());

  /** A resolver over the service's real keys and store, counting the signature checks it really makes. */
  function countingResolver(cache = new VerifiedTokenCache(service.clock)): BuiltinTokenResolver {
    const { accessTokens, revocations, settings } = service.services;
    const counting = {
      verify: (token: string): AccessTokenClaims => {
        verifications.push(token);
        return accessTokens.verify(token);
      },
    };
    return new BuiltinTokenResolver(counting, new RevocationCache(revocations, service.clock, 5000), new Set([settings.oauth.clientId]), cache);
  }

  it('verifies a token once and answers its later uses from the cache', async () => {
    const rider = await linkRider(service, 'Sam');
    const resolver = countingResolver();
    for (let turn = 0; turn < 5; turn += 1) {
      const resolution = await resolver.resolve(rider.accessToken);
      expect(resolution).to.deep.equal({ linked: true, user: { userId: rider.account.id, grantId: rider.familyId } });
      service.clock.advance(60_000);
    }
    expect(verifications).to.have.length(1);
  });

  it('forgets a token exactly at its exp: one millisecond before it is still served, at exp it is verified again and refused', async () => {
    const rider = await linkRider(service);
    const resolver = countingResolver();
    const { exp } = service.services.accessTokens.verify(rider.accessToken);
    expect((await resolver.resolve(rider.accessToken)).linked).to.equal(true);
    service.clock.advance(exp * 1000 - 1 - service.clock.now());
    expect((await resolver.resolve(rider.accessToken)).linked).to.equal(true);
    expect(verifications).to.have.length(1);
    service.clock.advance(1);
    expect(await resolver.resolve(rider.accessToken)).to.deep.equal({ linked: false, reason: 'access token invalid: jwt expired' });
    expect(verifications).to.have.length(2);
  });

  it('verifies any other token string afresh: a changed signature character is refused although its claims were cached', async () => {
    const rider = await linkRider(service);
    const resolver = countingResolver();
    expect((await resolver.resolve(rider.accessToken)).linked).to.equal(true);
    const [header, payload, signature = ''] = rider.accessToken.split('.');
    const altered = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const resolution = await resolver.resolve(altered);
    expect(resolution.linked).to.equal(false);
    expect(verifications).to.deep.equal([rider.accessToken, altered]);
  });

  it('still asks about revocation on every request: a family revoked after the token was cached is refused', async () => {
    const rider = await linkRider(service);
    const resolver = countingResolver();
    expect((await resolver.resolve(rider.accessToken)).linked).to.equal(true);
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked');
    // Past the revocation answer's 5 s, well before the token's exp.
    service.clock.advance(5001);
    expect(await resolver.resolve(rider.accessToken)).to.deep.equal({ linked: false, reason: 'access token family revoked' });
    expect(verifications).to.have.length(1);
  });

  it('still checks the client on every request: a cached token of another client stays refused', async () => {
    const rider = await linkRider(service, 'Sam', 'companion-app');
    const resolver = countingResolver();
    for (let turn = 0; turn < 2; turn += 1) {
      expect(await resolver.resolve(rider.accessToken)).to.deep.equal({ linked: false, reason: 'access token was issued to client companion-app' });
    }
  });

  it('keeps no more tokens than its bound, and verifies an evicted one again', async () => {
    const cache = new VerifiedTokenCache(service.clock, 2);
    const resolver = countingResolver(cache);
    const riders = [await linkRider(service, 'Ann'), await linkRider(service, 'Ben'), await linkRider(service, 'Cat')];
    for (const rider of riders) expect((await resolver.resolve(rider.accessToken)).linked).to.equal(true);
    expect(cache.size).to.equal(2);
    expect(verifications).to.have.length(3);
    // Ann was the least recently used: she is verified again, Cat is not.
    await resolver.resolve((riders[2] as { accessToken: string }).accessToken);
    expect(verifications).to.have.length(3);
    await resolver.resolve((riders[0] as { accessToken: string }).accessToken);
    expect(verifications).to.have.length(4);
    expect(cache.size).to.equal(2);
  });

  it('keeps nothing in the verified cache for a token that fails verification (the refused cache answers its next use)', async () => {
    const cache = new VerifiedTokenCache(service.clock);
    const resolver = countingResolver(cache);
    for (let turn = 0; turn < 2; turn += 1) expect((await resolver.resolve('aaaa.bbbb.cccc')).linked).to.equal(false);
    expect(verifications).to.have.length(1);
    expect(cache.size).to.equal(0);
  });

  it('over HTTP: a linked user is greeted until the token expires, then asked to link, and the reason is logged', async () => {
    const rider = await linkRider(service, 'Priya');
    const launch = () => postToSkill(service.url, launchRequest({ clock: service.clock, accessToken: rider.accessToken }));
    expect(speechOf(await launch())).to.match(/^Welcome back to Ride Hailer, Priya\./);
    const { exp } = service.services.accessTokens.verify(rider.accessToken);
    service.clock.advance(exp * 1000 - 1 - service.clock.now());
    expect(speechOf(await launch())).to.match(/^Welcome back to Ride Hailer, Priya\./);
    service.clock.advance(1);
    expect(speechOf(await launch())).to.match(/^Welcome to Ride Hailer/);
    expect(service.logs.events('skill.token_not_linked').at(-1)?.reason).to.equal('access token invalid: jwt expired');
  });

  it('remembers a refused token by its hash: a forged token sent again is refused without a second signature check', async () => {
    const rider = await linkRider(service);
    const resolver = countingResolver();
    const [header, payload, signature = ''] = rider.accessToken.split('.');
    const forged = `${header}.${payload}.${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    const first = await resolver.resolve(forged);
    expect(first.linked).to.equal(false);
    for (let turn = 0; turn < 3; turn += 1) expect(await resolver.resolve(forged)).to.deep.equal(first);
    expect(verifications).to.deep.equal([forged]);
    // The valid token is not caught by the forged one's entry.
    expect((await resolver.resolve(rider.accessToken)).linked).to.equal(true);
  });

  it('remembers a token issued to another client and an expired token, but never a revocation answer', async () => {
    const foreign = await linkRider(service, 'Sam', 'companion-app');
    const resolver = countingResolver();
    for (let turn = 0; turn < 2; turn += 1) expect(await resolver.resolve(foreign.accessToken)).to.deep.equal({ linked: false, reason: 'access token was issued to client companion-app' });
    expect(verifications).to.have.length(1);

    const rider = await linkRider(service);
    expect((await resolver.resolve(rider.accessToken)).linked).to.equal(true);
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked');
    service.clock.advance(6000);
    expect((await resolver.resolve(rider.accessToken)).linked).to.equal(false);
    expect(verifications).to.have.length(2); // revoked, yet still served from the verified cache, not the refused one
  });

  it('refuses a malformed or oversized token by its shape, before any hash or signature check', async () => {
    const resolver = countingResolver();
    expect(await resolver.resolve('not-a-jwt')).to.deep.equal({ linked: false, reason: 'access token invalid: not a JWT' });
    expect(await resolver.resolve('a.b')).to.deep.equal({ linked: false, reason: 'access token invalid: not a JWT' });
    expect(await resolver.resolve(`${'a'.repeat(3000)}.${'b'.repeat(1000)}.${'c'.repeat(100)}`)).to.deep.equal({ linked: false, reason: 'access token invalid: longer than 4096 characters' });
    expect(verifications).to.deep.equal([]);
  });

});

describe('skill: greeting names are remembered briefly', () => {
  const clock = new ManualClock(1_800_000_000_000);
  const logs = new CapturedLog();
  const log = createLogger('debug', logs.stream());
  const accounts = new Map<string, Account>();
  let reads: string[];

  function account(id: string, displayName: string): Account {
    const found: Account = { id, username: `${id}@example.com`, displayName, createdAt: clock.now() };
    accounts.set(id, found);
    return found;
  }

  function linking(max?: number): Profiles {
    const directory = {
      get: async (id: string) => {
        reads.push(id);
        const found = accounts.get(id);
        return found ? { ...found } : undefined;
      },
    };
    return new Profiles(directory, clock, max);
  }

  beforeEach(() => {
    reads = [];
    accounts.clear();
  });

  it(`reads the directory once per user within ${DISPLAY_NAME_TTL_MS / 1000} s, and sees a new name after that`, async () => {
    account('u1', 'Sam');
    const subject = linking();
    expect(await subject.profileOf({ userId: 'u1' }, log)).to.deep.equal({ userId: 'u1', displayName: 'Sam' });
    account('u1', 'Samantha');
    clock.advance(DISPLAY_NAME_TTL_MS - 1);
    expect(await subject.profileOf({ userId: 'u1' }, log)).to.deep.equal({ userId: 'u1', displayName: 'Sam' });
    expect(reads).to.deep.equal(['u1']);
    clock.advance(1);
    expect(await subject.profileOf({ userId: 'u1' }, log)).to.deep.equal({ userId: 'u1', displayName: 'Samantha' });
    expect(reads).to.deep.equal(['u1', 'u1']);
  });

  it('uses the name a provider gave without reading the directory', async () => {
    const subject = linking();
    expect(await subject.profileOf({ userId: 'u2', displayName: 'Jordan' }, log)).to.deep.equal({ userId: 'u2', displayName: 'Jordan' });
    expect(reads).to.deep.equal([]);
  });

  it('remembers no missing account: each request asks again and logs it', async () => {
    const subject = linking();
    const before = logs.events('skill.account_missing').length;
    expect(await subject.profileOf({ userId: 'gone' }, log)).to.equal(undefined);
    expect(await subject.profileOf({ userId: 'gone' }, log)).to.equal(undefined);
    expect(reads).to.deep.equal(['gone', 'gone']);
    expect(logs.events('skill.account_missing').length - before).to.equal(2);
    account('gone', 'Back');
    expect(await subject.profileOf({ userId: 'gone' }, log)).to.deep.equal({ userId: 'gone', displayName: 'Back' });
  });

  it('reads once for requests of one user that arrive together, and keeps no failed read', async () => {
    account('u3', 'Ana');
    const subject = linking();
    const together = await Promise.all([subject.profileOf({ userId: 'u3' }, log), subject.displayNameOf('u3'), subject.profileOf({ userId: 'u3' }, log)]);
    expect(together).to.deep.equal([{ userId: 'u3', displayName: 'Ana' }, 'Ana', { userId: 'u3', displayName: 'Ana' }]);
    expect(reads).to.deep.equal(['u3']);
    const failing = new Profiles({ get: async (id: string) => (reads.push(id), Promise.reject(new Error('store unavailable'))) }, clock);
    const failures = await Promise.allSettled([failing.displayNameOf('u4'), failing.displayNameOf('u4')]);
    expect(failures.map((failure) => failure.status)).to.deep.equal(['rejected', 'rejected']);
    await failing.displayNameOf('u4').catch(() => undefined);
    expect(reads).to.deep.equal(['u3', 'u4', 'u4']);
  });

  it('keeps no more names than its bound', async () => {
    for (const id of ['a', 'b', 'c']) account(id, id.toUpperCase());
    const subject = linking(2);
    for (const id of ['a', 'b', 'c']) await subject.profileOf({ userId: id }, log);
    // 'a' was evicted by 'c': read again; 'c' is still remembered.
    await subject.profileOf({ userId: 'c' }, log);
    await subject.profileOf({ userId: 'a' }, log);
    expect(reads).to.deep.equal(['a', 'b', 'c', 'a']);
  });
});
