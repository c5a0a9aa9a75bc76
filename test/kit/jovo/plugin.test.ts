import { expect } from 'chai';
import nock from 'nock';
import type { RequestEnvelope } from 'ask-sdk-model';
import { alexaUserId, intentRequest, launchRequest, sessionResumedRequest, skillEvent } from '../../support/alexa-requests';
import { AlexaTestSuite, speechOf } from '../../support/jovo';
import { freePort } from '../../support/ports';
import type { TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import { answerConsent, Browser, openAuthorize, authorizeQuery, postToken, redeem, signIn } from '../../server/oauth/flow-helpers';
import { startSkillService } from '../../server/skill/skill-test-kit';
import { decodeConnectionToken, encodeConnectionToken, LinkwrightPlugin, MemoryLinkStore, type LinkwrightPluginOptions, type TokenResolver } from '../../../kit/jovo';
import { pantryApp } from './pantry-app';

/** A user who linked as Alexa does it: sign-in and consent pages, then the code redeemed at /oauth/token. */
interface IssuedLink {
  userId: string;
  accessToken: string;
  refreshToken: string;
}

async function linkThroughTokenEndpoint(service: TestService, name: string): Promise<IssuedLink> {
  const username = `${name.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const password = 'correct horse battery staple';
  const account = await service.services.accounts.create({ username, password, displayName: name });
  const browser = new Browser(service.url);
  const login = await openAuthorize(browser, authorizeQuery());
  const consent = await signIn(browser, login, username, password);
  const redirect = await answerConsent(browser, consent, 'allow');
  const tokens = await redeem(service, redirect.searchParams.get('code') as string, redirect.origin + redirect.pathname);
  return { userId: account.id, accessToken: tokens.access_token as string, refreshToken: tokens.refresh_token as string };
}

function withPerson(envelope: RequestEnvelope, person: unknown): RequestEnvelope {
  const copy = structuredClone(envelope) as unknown as { context: { System: Record<string, unknown> } };
  copy.context.System.person = person;
  return copy as unknown as RequestEnvelope;
}

function patched(envelope: RequestEnvelope, patch: (raw: { request: Record<string, unknown>; context: { System: Record<string, unknown> } }) => void): RequestEnvelope {
  const copy = structuredClone(envelope) as unknown as { request: Record<string, unknown>; context: { System: Record<string, unknown> } };
  patch(copy);
  return copy as unknown as RequestEnvelope;
}

/** The credentials Linkwright's /oauth/introspect accepts from the company's resource servers (the app among them). */
const INTROSPECTION = { clientId: 'acme-pantry-api', clientSecret: 'pantry-introspection-secret-0123456789' };

const DE_LINK_NEEDED = 'Dafür muss Acme Pantry wissen, wer du bist. Ich habe dir eine Anleitung zum Verknüpfen deines Kontos bei Acme Pantry in die Alexa App geschickt.';
const JA_LINK_NEEDED = 'そのためには、Acme Pantryがあなたのアカウントを確認する必要があります。Acme Pantryのアカウントをリンクする手順をAlexaアプリに送りました。';

describe('linkwright/jovo: LinkwrightPlugin in a Jovo v4 app (Jovo TestSuite, Alexa platform) against a running Linkwright', function () {
  this.timeout(20_000);
  let service: TestService;
  let options: LinkwrightPluginOptions;
  before(async () => {
    service = await startSkillService({ INTROSPECTION_CLIENT_ID: INTROSPECTION.clientId, INTROSPECTION_CLIENT_SECRET: INTROSPECTION.clientSecret });
    options = { issuer: service.services.settings.publicUrl, skillName: 'Acme Pantry' };
  });
  after(async () => service.close());

  function suite(extra: Partial<LinkwrightPluginOptions> = {}) {
    const { app, errors } = pantryApp({ ...options, ...extra });
    return { jovo: new AlexaTestSuite(app), errors };
  }
  const clock = () => service.clock;

  it('unlinked: the LinkAccount card with generic speech in de-DE and ja-JP, the skill name filled in, the session ended', async () => {
    const { jovo, errors } = suite();
    const de = await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), locale: 'de-DE' }));
    expect(de.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(de.response.shouldEndSession).to.equal(true);
    expect(speechOf(de)).to.equal(DE_LINK_NEEDED);
    const ja = await jovo.run(launchRequest({ clock: clock(), locale: 'ja-JP' }));
    expect(ja.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(ja)).to.equal(JA_LINK_NEEDED);
    expect(errors).to.deep.equal([]);
  });

  it('the link answer as an output class ($send(LinkAccountOutput)), sentences overridable per locale', async () => {
    const { jovo } = suite({ prompts: { de: { linkCardRequested: 'Bitte verknüpfe {skill} in der Alexa App.' } } });
    const de = await jovo.run(intentRequest('ReorderLaterIntent', {}, { clock: clock(), locale: 'de-DE' }));
    expect(de.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(de)).to.equal('Bitte verknüpfe Acme Pantry in der Alexa App.');
    const fr = await jovo.run(intentRequest('ReorderLaterIntent', {}, { clock: clock(), locale: 'fr-CA' }));
    expect(speechOf(fr)).to.equal('J&apos;ai envoyé dans l&apos;application Alexa les instructions pour associer votre compte Acme Pantry.');
  });

  it('linked: the user named by a token from the real token endpoint, at the user level, on $linkwright for every request type', async () => {
    const sam = await linkThroughTokenEndpoint(service, 'Sam');
    const { jovo } = suite();
    expect(speechOf(await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: sam.accessToken })))).to.equal(`Reordered for ${sam.userId}, linked as user.`);
    expect(speechOf(await jovo.run(launchRequest({ clock: clock(), accessToken: sam.accessToken, tokenInContextOnly: true })))).to.equal(`Reordered for ${sam.userId}, linked as user.`);
    expect(speechOf(await jovo.run(intentRequest('OpeningHoursIntent', {}, { clock: clock(), accessToken: sam.accessToken })))).to.equal('Open nine to five. Status linked.');
    expect(speechOf(await jovo.run(intentRequest('ReorderLaterIntent', {}, { clock: clock(), accessToken: sam.accessToken })))).to.equal(`Scheduled for ${sam.userId}.`);
  });

  it('prefers a recognized person’s own token to the account’s, and says so', async () => {
    const owner = await linkThroughTokenEndpoint(service, 'Owner');
    const kid = await linkThroughTokenEndpoint(service, 'Kid');
    const { jovo } = suite();
    const envelope = withPerson(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: owner.accessToken }), { personId: 'amzn1.ask.person.KID', accessToken: kid.accessToken });
    expect(speechOf(await jovo.run(envelope))).to.equal(`Reordered for ${kid.userId}, linked as person.`);
  });

  it('never acts on the shared account for a recognized person who has not linked, unless the app opts in', async () => {
    const owner = await linkThroughTokenEndpoint(service, 'Owner');
    const envelope = withPerson(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: owner.accessToken }), { personId: 'amzn1.ask.person.GUEST' });
    expect((await suite().jovo.run(envelope)).response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(await suite({ allowSharedAccountForPersons: true }).jovo.run(envelope))).to.equal(`Reordered for ${owner.userId}, linked as user.`);
  });

  it('a forged token, garbage and another issuer’s token are "not linked" (no fallback to another level)', async () => {
    const { jovo } = suite();
    const sam = await linkThroughTokenEndpoint(service, 'Sam');
    const [header, payload] = sam.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    for (const envelope of [
      intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: forged }),
      intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: 'not-a-jwt' }),
      withPerson(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: sam.accessToken }), { personId: 'amzn1.ask.person.P', accessToken: forged }),
    ]) {
      expect((await jovo.run(envelope)).response.card, JSON.stringify(envelope.context.System)).to.deep.equal({ type: 'LinkAccount' });
    }
    const other = await startSkillService();
    try {
      const foreign = await linkThroughTokenEndpoint(other, 'Elsewhere');
      expect((await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: foreign.accessToken }))).response.card).to.deep.equal({ type: 'LinkAccount' });
    } finally {
      await other.close();
    }
  });

  it('revoked at Linkwright (RFC 7009): not linked within revocationCheckMs with introspection; an introspection refusal is an outage', async () => {
    const { jovo } = suite({ introspection: INTROSPECTION, clock: service.clock });
    const kim = await linkThroughTokenEndpoint(service, 'Kim');
    const reorder = () => jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: kim.accessToken }));
    expect(speechOf(await reorder())).to.equal(`Reordered for ${kim.userId}, linked as user.`);
    const revoked = await postToken(service, { token: kim.accessToken, token_type_hint: 'access_token' }, 'basic', '/oauth/revoke');
    expect(revoked.status).to.equal(200);
    // Linkwright's "active" answer is trusted for revocationCheckMs (5 s): the documented bound, and no more.
    expect(speechOf(await reorder())).to.equal(`Reordered for ${kim.userId}, linked as user.`);
    service.clock.advance(5001);
    expect((await reorder()).response.card).to.deep.equal({ type: 'LinkAccount' });
    const sam = await linkThroughTokenEndpoint(service, 'Sam');
    const wrong = suite({ introspection: { ...INTROSPECTION, clientSecret: 'not-the-secret-0123456789abcdef' }, clock: service.clock }).jovo;
    const answer = await wrong.run(intentRequest('OpeningHoursIntent', {}, { clock: clock(), accessToken: sam.accessToken }));
    expect(speechOf(answer)).to.equal('Open nine to five. Status unavailable.');
  });

  it('a malformed envelope never crashes the app: odd locale, IntentRequest without intent, odd person and user fields', async () => {
    const sam = await linkThroughTokenEndpoint(service, 'Sam');
    const { jovo, errors } = suite();
    const numberLocale = await jovo.run(patched(intentRequest('ReorderIntent', {}, { clock: clock() }), (raw) => { raw.request.locale = 5; }));
    expect(numberLocale.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(numberLocale)).to.match(/^To do that, Acme Pantry needs to know who you are/);
    const noIntent = await jovo.run(patched(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: sam.accessToken }), (raw) => { delete raw.request.intent; }));
    expect(speechOf(noIntent)).to.equal('The app\'s own answer to IntentRequest.');
    for (const person of ['amzn1.ask.person.X', null, { personId: 42, accessToken: sam.accessToken }, { personId: 'amzn1.ask.person.Y', accessToken: ['x'] }]) {
      const answer = await jovo.run(withPerson(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: sam.accessToken }), person));
      const expected = typeof person === 'object' && person !== null && typeof person.personId === 'string' ? 'card' : 'user';
      if (expected === 'card') expect(answer.response.card, JSON.stringify(person)).to.deep.equal({ type: 'LinkAccount' });
      else expect(speechOf(answer), JSON.stringify(person)).to.equal(`Reordered for ${sam.userId}, linked as user.`);
    }
    const oddUser = await jovo.run(patched(intentRequest('ReorderIntent', {}, { clock: clock() }), (raw) => { raw.context.System.user = { userId: 7, accessToken: { nested: true } }; }));
    expect(oddUser.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(errors).to.deep.equal([]);
  });

  it('a provider that cannot answer: status unavailable, and the link answer is the spoken apology in the locale, never the card', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const { jovo } = suite({ issuer: closed, timeoutMs: 500 });
    const sam = await linkThroughTokenEndpoint(service, 'Sam');
    const answer = await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), locale: 'fr-FR', accessToken: sam.accessToken }));
    expect(answer.response.card).to.equal(undefined);
    expect(speechOf(answer)).to.equal('Désolé, Acme Pantry rencontre un problème pour le moment. Veuillez réessayer dans quelques minutes.');
    expect(speechOf(await jovo.run(intentRequest('OpeningHoursIntent', {}, { clock: clock(), accessToken: sam.accessToken })))).to.equal('Open nine to five. Status unavailable.');
  });

  it('answers the LinkAccount intent itself: the card when not linked, "already linked" when linked; false leaves it to the app', async () => {
    const sam = await linkThroughTokenEndpoint(service, 'Sam');
    const { jovo } = suite();
    const unlinked = await jovo.run(intentRequest('LinkAccountIntent', {}, { clock: clock(), locale: 'es-ES' }));
    expect(unlinked.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(unlinked)).to.equal('Te he enviado a la app Alexa las instrucciones para vincular tu cuenta de Acme Pantry.');
    const linked = await jovo.run(intentRequest('LinkAccountIntent', {}, { clock: clock(), accessToken: sam.accessToken }));
    expect(speechOf(linked)).to.equal('Your Acme Pantry account is already linked. What would you like to do?');
    expect(linked.response.shouldEndSession).to.equal(false);
    expect(speechOf(await suite({ linkAccountIntent: false }).jovo.run(intentRequest('LinkAccountIntent', {}, { clock: clock() })))).to.equal('The app\'s own answer to IntentRequest.');
  });

  describe('voice-forward linking', () => {
    afterEach(() => nock.cleanAll());

    it('with LWA: Connections.StartConnection to AskForAccountLinking carrying the app’s state, the session left open; the card when a token was sent', async () => {
      // Login with Amazon's profile API is Amazon's server: nock plays it (a refused token, a known user).
      const lwa = nock('https://api.amazon.com')
        .get('/user/profile').matchHeader('authorization', 'Bearer expired-lwa-token').reply(401, { error: 'invalid_token' })
        .get('/user/profile').matchHeader('authorization', 'Bearer lwa-sam').reply(200, { user_id: 'amzn1.account.SAM', name: 'Sam' });
      const { jovo, errors } = suite({ issuer: undefined, lwa: true, timeoutMs: 500 });
      const answer = await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), locale: 'it-IT' }));
      const directives = answer.response.directives as unknown as Array<Record<string, unknown>>;
      expect(directives).to.have.length(1);
      expect(directives[0]).to.deep.include({ type: 'Connections.StartConnection', uri: 'connection://AMAZON.AskForAccountLinking/1', onCompletion: 'RESUME_SESSION' });
      expect(directives[0]?.input).to.deep.equal({ '@type': 'AskForAccountLinking', '@version': '1' });
      expect(decodeConnectionToken(directives[0]?.token)).to.deep.equal({ then: 'reorder' });
      expect(speechOf(answer)).to.equal('Per farlo, devi prima collegare il tuo account Acme Pantry.');
      // What Alexa receives (JSON): no shouldEndSession at all, so Alexa runs its linking dialog and resumes.
      expect(JSON.parse(JSON.stringify(answer.response))).not.to.have.property('shouldEndSession');
      expect(answer.response.card).to.equal(undefined);
      const stale = await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: 'expired-lwa-token' }));
      expect(stale.response.card).to.deep.equal({ type: 'LinkAccount' });
      expect(stale.response.directives).to.equal(undefined);
      expect(speechOf(await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), accessToken: 'lwa-sam' })))).to.equal('Reordered for amzn1.account.SAM, linked as user.');
      expect(lwa.isDone()).to.equal(true);
      expect(errors.map((error) => error.message)).to.deep.equal([]);
    });

    it('answers every SessionResumedRequest outcome of its own, the card as the safe fallback; another connection’s resume goes to the app', async () => {
      const { jovo } = suite({ voiceForward: true });
      const ours = encodeConnectionToken({ then: 'reorder' });
      const resume = (outcome: Parameters<typeof sessionResumedRequest>[0]) => jovo.run(sessionResumedRequest(outcome, { clock: clock(), locale: 'es-ES' }));
      const linked = await resume({ token: ours, status: 'LINKED' });
      expect(speechOf(linked)).to.equal('Gracias, tu cuenta de Acme Pantry ya está vinculada. ¿Qué quieres hacer?');
      expect((linked.response.reprompt?.outputSpeech as { ssml?: string }).ssml).to.equal('<speak>¿Qué quieres hacer?</speak>');
      expect(linked.response.shouldEndSession).to.equal(false);
      expect(speechOf(await resume({ token: ours, status: 'DENIED' }))).to.equal('No pasa nada, tu cuenta de Acme Pantry sigue sin vincular. ¿Qué quieres hacer?');
      for (const outcome of [{ token: ours, status: 'USER_REQUIREMENTS_NOT_MET' }, { token: ours, status: 'LINKED', code: '500' }, { token: ours }, { token: ours, status: 'NEW_THING' }, { token: ours, status: 'LINKED', causeType: 'Other' }]) {
        const answer = await resume(outcome);
        expect(answer.response.card, JSON.stringify(outcome)).to.deep.equal({ type: 'LinkAccount' });
        expect(answer.response.directives, JSON.stringify(outcome)).to.equal(undefined);
        expect(speechOf(answer)).to.equal('Te he enviado a la app Alexa las instrucciones para vincular tu cuenta de Acme Pantry.');
      }
      expect(speechOf(await resume({ token: 'another-connection', status: 'LINKED' }))).to.equal('The app\'s own answer to SessionResumedRequest.');
    });

    it('onResume lets the app carry on with the state it put on the link answer', async () => {
      const { jovo } = suite({
        voiceForward: true,
        onResume: (_jovo, result) => (result.outcome === 'LINKED' ? { message: `Linked; back to ${(result.state as { then: string }).then}.`, listen: false } : undefined),
      });
      const ours = encodeConnectionToken({ then: 'reorder' });
      expect(speechOf(await jovo.run(sessionResumedRequest({ token: ours, status: 'LINKED' }, { clock: clock() })))).to.equal('Linked; back to reorder.');
      expect((await jovo.run(sessionResumedRequest({ token: ours, status: 'FAILED_X' }, { clock: clock() }))).response.card).to.deep.equal({ type: 'LinkAccount' });
    });
  });

  describe('skill events', () => {
    it('AccountLinked records the mapping; SkillDisabled revokes every user of the Alexa account (account and persons) once, then forgets', async () => {
      const revoked: string[] = [];
      const { jovo } = suite({ revoke: async (userId) => { revoked.push(userId); return 1; } });
      const owner = await linkThroughTokenEndpoint(service, 'Owner');
      const kid = await linkThroughTokenEndpoint(service, 'Kid');
      const household = alexaUserId('jovo-household');
      await jovo.run(skillEvent('AlexaSkillEvent.SkillAccountLinked', { accessToken: owner.accessToken }, { clock: clock(), userId: household }));
      await jovo.run(withPerson(launchRequest({ clock: clock(), userId: household }), { personId: 'amzn1.ask.person.KID', accessToken: kid.accessToken }));
      expect(revoked).to.deep.equal([]);
      await jovo.run(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: clock(), userId: household }));
      expect(revoked.sort()).to.deep.equal([owner.userId, kid.userId].sort());
      await jovo.run(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: clock(), userId: household }));
      expect(revoked).to.have.length(2);
    });

    it('with issuer and client, SkillDisabled revokes the event’s token at Linkwright (RFC 7009); a refusal is logged and apologised for', async () => {
      const events: string[] = [];
      const log = { info: () => undefined, warn: () => undefined, error: (fields: Record<string, unknown>) => { events.push(String(fields.event)); } };
      const { jovo } = suite({ client: { id: TEST_CLIENT_ID, secret: TEST_CLIENT_SECRET }, log });
      const sam = await linkThroughTokenEndpoint(service, 'Sam');
      await jovo.run(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: clock(), userId: alexaUserId('jovo-disable'), accessToken: sam.accessToken }));
      const refresh = await postToken(service, { grant_type: 'refresh_token', refresh_token: sam.refreshToken });
      expect(refresh.status, refresh.text).to.equal(400);
      expect(refresh.body.error).to.equal('invalid_grant');
      const wrong = suite({ client: { id: TEST_CLIENT_ID, secret: 'wrong-secret-0123456789abcdef' }, log }).jovo;
      const kim = await linkThroughTokenEndpoint(service, 'Kim');
      const answer = await wrong.run(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: clock(), userId: alexaUserId('jovo-wrong'), accessToken: kim.accessToken }));
      expect(speechOf(answer)).to.match(/^Sorry, Acme Pantry is having trouble/);
      expect(events).to.deep.equal(['skill.event_failed']);
      expect((await postToken(service, { grant_type: 'refresh_token', refresh_token: kim.refreshToken })).status).to.equal(200);
    });
  });

  it('keeps one core for the app although Jovo copies every plugin per request: the resolver and link store given are the ones used', async () => {
    const sam = await linkThroughTokenEndpoint(service, 'Sam');
    class CountingResolver implements TokenResolver {
      readonly provider = 'counting';
      readonly seen = new Map<string, number>();
      async resolve(token: string) {
        this.seen.set(token, (this.seen.get(token) ?? 0) + 1);
        return token === sam.accessToken ? { linked: true as const, user: { userId: sam.userId } } : { linked: false as const, reason: 'unknown' };
      }
      forgetCached(): void {
        this.seen.clear();
      }
    }
    const resolver = new CountingResolver();
    const links = new MemoryLinkStore();
    const { jovo } = suite({ issuer: undefined, resolver, links });
    for (let i = 0; i < 3; i += 1) await jovo.run(intentRequest('ReorderIntent', {}, { clock: clock(), userId: alexaUserId('one-core'), accessToken: sam.accessToken }));
    expect(resolver.seen.get(sam.accessToken)).to.equal(3);
    expect(await links.usersOf(alexaUserId('one-core'))).to.deep.equal([sam.userId]);
  });

  it('refuses unusable options when the app is built, not on the first request', () => {
    expect(() => new LinkwrightPlugin({ issuer: options.issuer, skillName: ' ' })).to.throw(TypeError, /^LinkwrightPlugin: skillName is required/);
    expect(() => new LinkwrightPlugin({ skillName: 'Acme Pantry' })).to.throw(TypeError, /^LinkwrightPlugin: give exactly one of issuer/);
    expect(() => new LinkwrightPlugin({ issuer: 'not a url', skillName: 'Acme Pantry' })).to.throw(TypeError, /issuer must be the issuer URL/);
    expect(() => new LinkwrightPlugin({ ...options, prompts: { german: {} } })).to.throw(/not a locale/);
    expect(() => new LinkwrightPlugin({ lwa: true, introspection: INTROSPECTION, skillName: 'Acme Pantry' })).to.throw(TypeError, /introspection is Linkwright's: it needs issuer/);
  });
});
