import { expect } from 'chai';
import { KeyRing } from '../../../server/oauth/keys';
import { AccessTokens } from '../../../server/oauth/access-tokens';
import { BuiltinTokenResolver } from '../../../server/identity/builtin-resolver';
import { RevocationCache } from '../../../server/identity/revocation-cache';
import { VerifiedTokenCache } from '../../../server/identity/verified-tokens';
import { createServices } from '../../../server/services';
import { intentRequest, launchRequest, postToSkill, speechOf } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { linkRider, startSkillService } from './skill-test-kit';

const LINK_NEEDED =
  'To order a ride, Ride Hailer needs to know who you are, so it can use your pickup address and payment method. I&apos;ve sent instructions for linking your account to the Alexa app.';

describe('skill: linking with the built-in token resolver', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService();
  });
  afterEach(async () => service.close());

  function orderRide(accessToken?: string, extra: { tokenInContextOnly?: boolean; destination?: string } = {}) {
    return postToSkill(
      service.url,
      intentRequest('OrderRideIntent', { destination: extra.destination }, { clock: service.clock, ...(accessToken ? { accessToken } : {}), tokenInContextOnly: extra.tokenInContextOnly ?? false }),
    );
  }

  function expectLinkCard(answer: Awaited<ReturnType<typeof orderRide>>): void {
    expect(answer.status).to.equal(200);
    expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(answer.body.response?.shouldEndSession).to.equal(true);
    expect(speechOf(answer)).to.equal(LINK_NEEDED);
  }

  it('answers an intent that needs the account, without a token, with the LinkAccount card', async () => {
    expectLinkCard(await orderRide());
  });

  it('orders the ride for a linked user, by name, reading the token from context.System.user', async () => {
    const rider = await linkRider(service, 'Sam');
    const answer = await orderRide(rider.accessToken, { tokenInContextOnly: true, destination: 'Seattle' });
    expect(answer.status).to.equal(200);
    expect(speechOf(answer)).to.match(/^Okay Sam, your ride to Seattle is booked\. Your driver will pick you up in about [3-9] minutes\.$/);
    expect(answer.body.response?.card).to.equal(undefined);
    expect(answer.body.response?.shouldEndSession).to.equal(true);
  });

  it('greets a linked user by name at launch (the token is read on every request type)', async () => {
    const rider = await linkRider(service, 'Priya');
    const answer = await postToSkill(service.url, launchRequest({ clock: service.clock, accessToken: rider.accessToken, tokenInContextOnly: true }));
    expect(speechOf(answer)).to.match(/^Welcome back to Ride Hailer, Priya\./);
    expect(answer.body.response?.shouldEndSession).to.equal(false);
  });

  it('treats an expired token as not linked and logs why', async () => {
    const rider = await linkRider(service);
    service.clock.advance((service.services.accessTokens.ttlSec + 1) * 1000);
    expectLinkCard(await orderRide(rider.accessToken));
    expect(service.logs.events('skill.token_not_linked').at(-1)?.reason).to.match(/jwt expired/);
  });

  it('treats forged tokens as not linked: another key, alg none, garbage', async () => {
    const rider = await linkRider(service);
    const foreign = new AccessTokens(KeyRing.generate(), service.services.settings.publicUrl, 3600, service.clock);
    const forged = foreign.sign({ userId: rider.account.id, clientId: service.services.settings.oauth.clientId, scope: 'profile', familyId: rider.familyId }).token;
    const [, payload] = rider.accessToken.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
    for (const token of [forged, unsigned, 'not-a-token']) expectLinkCard(await orderRide(token));
    const reasons = service.logs.events('skill.token_not_linked').map((line) => String(line.reason));
    expect(reasons).to.have.length(3);
    expect(reasons[0]).to.match(/unknown signing key/);
  });

  it('treats a token issued to another client as not linked', async () => {
    const rider = await linkRider(service, 'Sam', 'companion-app');
    expectLinkCard(await orderRide(rider.accessToken));
    expect(service.logs.events('skill.token_not_linked').at(-1)?.reason).to.match(/issued to client companion-app/);
  });

  it('honours revocation: a revoked family no longer links', async () => {
    const rider = await linkRider(service);
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked');
    expectLinkCard(await orderRide(rider.accessToken));
    expect(service.logs.events('skill.token_not_linked').at(-1)?.reason).to.equal('access token family revoked');
  });

  it('sees a revocation made elsewhere within the cache bound (SKILL_REVOCATION_CACHE_MS, default 5 s)', async () => {
    const rider = await linkRider(service, 'Sam');
    expect(speechOf(await orderRide(rider.accessToken))).to.match(/^Okay Sam/);
    // Another process on the same store (the account CLI is one): its own Revocations, whose events this one never hears.
    const elsewhere = createServices(service.services.settings, { store: service.store, clock: service.clock, log: service.services.log, keys: service.services.keys });
    await elsewhere.revocations.revokeFamily(rider.familyId, 'revoked by another process');
    // Within the bound this process may still use its cached "not revoked" answer…
    expect(speechOf(await orderRide(rider.accessToken))).to.match(/^Okay Sam/);
    // …and after it, it asks the store again.
    service.clock.advance(5001);
    expectLinkCard(await orderRide(rider.accessToken));
  });

  it('keeps the public intent working without a token', async () => {
    const available = await postToSkill(service.url, intentRequest('RideAvailabilityIntent', { city: 'Seattle' }, { clock: service.clock }));
    expect(speechOf(available)).to.match(/^Good news: Ride Hailer operates in Seattle\. The nearest car is about [3-9] minutes away\.$/);
    expect(available.body.response?.shouldEndSession).to.equal(true);
    const unavailable = await postToSkill(service.url, intentRequest('RideAvailabilityIntent', { city: 'Timbuktu' }, { clock: service.clock }));
    expect(speechOf(unavailable)).to.equal('Sorry, Ride Hailer doesn&apos;t operate in Timbuktu yet.');
    const noCity = await postToSkill(service.url, intentRequest('RideAvailabilityIntent', { city: undefined }, { clock: service.clock }));
    expect(speechOf(noCity)).to.equal('Which city should I check?');
    expect(noCity.body.response?.shouldEndSession).to.equal(false);
  });

  it('says so when an already linked user asks to link', async () => {
    const rider = await linkRider(service, 'Sam');
    const answer = await postToSkill(service.url, intentRequest('LinkAccountIntent', {}, { clock: service.clock, accessToken: rider.accessToken }));
    expect(speechOf(answer)).to.match(/^Your Ride Hailer account is already linked, Sam\./);
    expect(answer.body.response?.card).to.equal(undefined);
    expect(answer.body.response?.directives).to.equal(undefined);
  });

  it('sends the LinkAccount card on "link my account" (no voice-forward with the built-in provider)', async () => {
    const answer = await postToSkill(service.url, intentRequest('LinkAccountIntent', {}, { clock: service.clock }));
    expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(answer.body.response?.directives).to.equal(undefined);
    expect(speechOf(answer)).to.match(/^I&apos;ve sent instructions for linking your Ride Hailer account to the Alexa app\./);
    expect(answer.body.response?.shouldEndSession).to.equal(true);
  });

  it('never writes an access token to the log', async () => {
    const rider = await linkRider(service);
    await orderRide(rider.accessToken);
    service.clock.advance((service.services.accessTokens.ttlSec + 1) * 1000);
    await orderRide(rider.accessToken);
    expect(service.logs.raw.join('\n')).not.to.contain(rider.accessToken.split('.')[2]);
  });
});

describe('skill: built-in resolver hot path', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService();
  });
  afterEach(async () => service.close());

  it('verifies locally and asks the store about revocation once per cache period, not per request', async () => {
    const rider = await linkRider(service);
    let storeQuestions = 0;
    const counting = {
      isRevoked: async (claims: { sid: string }) => {
        storeQuestions += 1;
        return service.services.revocations.isRevoked(claims);
      },
    };
    const resolver = new BuiltinTokenResolver(service.services.accessTokens, new RevocationCache(counting, service.clock, 5000), service.services.clients.alexaClientIds(), new VerifiedTokenCache(service.clock));
    const answers = await Promise.all(Array.from({ length: 20 }, () => resolver.resolve(rider.accessToken)));
    expect(answers.every((answer) => answer.linked)).to.equal(true);
    expect(storeQuestions).to.equal(1);
    service.clock.advance(5001);
    await resolver.resolve(rider.accessToken);
    expect(storeQuestions).to.equal(2);
  });

  it('remembers a "revoked" answer until the token would expire anyway', async () => {
    const rider = await linkRider(service);
    await service.services.revocations.revokeFamily(rider.familyId, 'test');
    let storeQuestions = 0;
    const cache = new RevocationCache(
      {
        isRevoked: async (claims) => {
          storeQuestions += 1;
          return service.services.revocations.isRevoked(claims);
        },
      },
      service.clock,
      1000,
    );
    const claims = service.services.accessTokens.verify(rider.accessToken);
    expect(await cache.isRevoked(claims)).to.equal(true);
    service.clock.advance(60_000);
    expect(await cache.isRevoked(claims)).to.equal(true);
    expect(storeQuestions).to.equal(1);
  });
});
