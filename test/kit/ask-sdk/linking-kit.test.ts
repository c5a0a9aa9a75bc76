import { expect } from 'chai';
import { SkillBuilders, type HandlerInput, type RequestHandler } from 'ask-sdk-core';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { createLinkingKit, decodeConnectionToken, encodeConnectionToken, LINK_PROMPTS, type LinkingKit, type LinkingKitOptions, type LinkStore, type TokenResolver } from '../../../kit/ask-sdk';
import { alexaUserId, intentRequest, launchRequest, sessionResumedRequest, skillEvent } from '../../support/alexa-requests';
import { freePort } from '../../support/ports';
import type { TestService } from '../../support/service';
import { linkRider, startSkillService } from '../../server/skill/skill-test-kit';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';

/** A company's skill as the README shows it: the kit's handlers, then one intent that needs the user. */
function companySkill(kit: LinkingKit) {
  const whoAmI: RequestHandler = {
    canHandle: (input) => input.requestEnvelope.request.type === 'LaunchRequest' || input.requestEnvelope.request.type === 'IntentRequest',
    async handle(input: HandlerInput) {
      const user = await kit.linkedUser(input);
      if (user === undefined) return kit.linkAccountResponse(input);
      return input.responseBuilder.speak(`user ${user.userId} level ${user.level} person ${user.personId ?? '-'}`).getResponse();
    },
  };
  const otherResume: RequestHandler = {
    canHandle: (input) => input.requestEnvelope.request.type === 'SessionResumedRequest',
    handle: (input) => input.responseBuilder.speak('the skill’s own resume').getResponse(),
  };
  return SkillBuilders.custom()
    .addRequestInterceptors(kit.requestInterceptor)
    .addRequestHandlers(...kit.requestHandlers, whoAmI, otherResume)
    .addErrorHandlers(kit.errorHandler)
    .create();
}

function withPerson(envelope: RequestEnvelope, personId: string, accessToken?: string): RequestEnvelope {
  const copy = structuredClone(envelope) as RequestEnvelope & { context: { System: Record<string, unknown> } };
  copy.context.System.person = { personId, ...(accessToken === undefined ? {} : { accessToken }) };
  return copy;
}

function speech(answer: ResponseEnvelope): string {
  return (answer.response.outputSpeech as { ssml?: string } | undefined)?.ssml?.replace(/^<speak>|<\/speak>$/g, '') ?? '';
}

const INTROSPECTION = { INTROSPECTION_CLIENT_ID: 'acme-pantry-skill', INTROSPECTION_CLIENT_SECRET: 'acme-pantry-introspection-secret-0123' };

describe('linkwright/ask-sdk: createLinkingKit against a running Linkwright', function () {
  this.timeout(20_000);
  let service: TestService;
  let options: LinkingKitOptions;
  before(async () => {
    service = await startSkillService(INTROSPECTION);
    options = { issuer: service.services.settings.publicUrl, skillName: 'Acme Pantry' };
  });
  after(async () => service.close());

  it('unlinked: the LinkAccount card with generic speech in the request locale, the skill name filled in', async () => {
    const skill = companySkill(createLinkingKit(options));
    const de = await skill.invoke(launchRequest({ clock: service.clock, locale: 'de-DE' }));
    expect(de.response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(de.response.shouldEndSession).to.equal(true);
    expect(speech(de)).to.equal('Dafür muss Acme Pantry wissen, wer du bist. Ich habe dir eine Anleitung zum Verknüpfen deines Kontos bei Acme Pantry in die Alexa App geschickt.');
    const ja = await skill.invoke(launchRequest({ clock: service.clock, locale: 'ja-JP' }));
    expect(speech(ja)).to.equal('そのためには、Acme Pantryがあなたのアカウントを確認する必要があります。Acme Pantryのアカウントをリンクする手順をAlexaアプリに送りました。');
  });

  it('has all 17 locales, every sentence about the account (no rides), and overrides per locale or language', async () => {
    expect(Object.keys(LINK_PROMPTS)).to.have.length(17);
    for (const [locale, prompts] of Object.entries(LINK_PROMPTS)) {
      for (const [name, sentence] of Object.entries(prompts)) {
        expect(String(sentence), `${locale} ${name}`).not.to.match(/ride|Fahrt|viaje|course|corsa|rit\b|corrida|配車|राइड|رحل/i);
        if (!['reprompt'].includes(name)) expect(String(sentence), `${locale} ${name}`).to.include('{skill}');
      }
    }
    const kit = createLinkingKit({ ...options, prompts: { de: { linkNeeded: 'Erst verknüpfen, bitte ({skill}).' }, 'de-AT': {}, 'en-GB': { linkNeeded: ({ skill }) => `Do link ${skill}, please.` } } });
    const skill = companySkill(kit);
    expect(speech(await skill.invoke(launchRequest({ clock: service.clock, locale: 'de-DE' })))).to.equal('Erst verknüpfen, bitte (Acme Pantry).');
    expect(speech(await skill.invoke(launchRequest({ clock: service.clock, locale: 'en-GB' })))).to.equal('Do link Acme Pantry, please.');
    expect(speech(await skill.invoke(launchRequest({ clock: service.clock, locale: 'en-US' })))).to.match(/^To do that, Acme Pantry needs to know who you are/);
    expect(() => createLinkingKit({ ...options, prompts: { german: {} } })).to.throw(/not a locale/);
  });

  it('linked: the user named by a Linkwright token, at the user level', async () => {
    const rider = await linkRider(service, 'Sam');
    const answer = await companySkill(createLinkingKit(options)).invoke(launchRequest({ clock: service.clock, accessToken: rider.accessToken }));
    expect(speech(answer)).to.equal(`user ${rider.account.id} level user person -`);
  });

  it('prefers a recognized person’s own token to the account’s', async () => {
    const owner = await linkRider(service, 'Owner');
    const kid = await linkRider(service, 'Kid');
    const envelope = withPerson(launchRequest({ clock: service.clock, accessToken: owner.accessToken }), 'amzn1.ask.person.KID', kid.accessToken);
    expect(speech(await companySkill(createLinkingKit(options)).invoke(envelope))).to.equal(`user ${kid.account.id} level person person amzn1.ask.person.KID`);
  });

  it('never acts on the shared account for a recognized person who has not linked, unless the skill opts in', async () => {
    const owner = await linkRider(service, 'Owner');
    const envelope = withPerson(launchRequest({ clock: service.clock, accessToken: owner.accessToken }), 'amzn1.ask.person.GUEST');
    const refused = await companySkill(createLinkingKit(options)).invoke(envelope);
    expect(refused.response.card).to.deep.equal({ type: 'LinkAccount' });
    const shared = await companySkill(createLinkingKit({ ...options, allowSharedAccountForPersons: true })).invoke(envelope);
    expect(speech(shared)).to.equal(`user ${owner.account.id} level user person amzn1.ask.person.GUEST`);
  });

  it('a forged token, a token of another issuer and a person token that does not resolve are "not linked" (no fallback to the account)', async () => {
    const rider = await linkRider(service, 'Sam');
    const [header, payload] = rider.accessToken.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    const skill = companySkill(createLinkingKit(options));
    for (const envelope of [
      launchRequest({ clock: service.clock, accessToken: forged }),
      launchRequest({ clock: service.clock, accessToken: 'not-a-jwt' }),
      withPerson(launchRequest({ clock: service.clock, accessToken: rider.accessToken }), 'amzn1.ask.person.P', forged),
    ]) {
      expect((await skill.invoke(envelope)).response.card).to.deep.equal({ type: 'LinkAccount' });
    }
    const other = await startSkillService();
    try {
      const foreign = await linkRider(other, 'Elsewhere');
      expect((await skill.invoke(launchRequest({ clock: service.clock, accessToken: foreign.accessToken }))).response.card).to.deep.equal({ type: 'LinkAccount' });
    } finally {
      await other.close();
    }
  });

  it('revoked: "not linked" once Linkwright says so (introspection, within revocationCheckMs); without introspection only at expiry', async () => {
    const introspection = { clientId: INTROSPECTION.INTROSPECTION_CLIENT_ID, clientSecret: INTROSPECTION.INTROSPECTION_CLIENT_SECRET };
    const skill = companySkill(createLinkingKit({ ...options, introspection, revocationCheckMs: 0 }));
    const blind = companySkill(createLinkingKit(options));
    const rider = await linkRider(service, 'Sam');
    const ask = (s: typeof skill) => s.invoke(launchRequest({ clock: service.clock, accessToken: rider.accessToken }));
    expect(speech(await ask(skill))).to.equal(`user ${rider.account.id} level user person -`);
    expect(speech(await ask(blind))).to.equal(`user ${rider.account.id} level user person -`);
    await service.services.revocations.revokeFamily(rider.familyId, 'test');
    expect((await ask(skill)).response.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speech(await ask(blind))).to.equal(`user ${rider.account.id} level user person -`);
  });

  it('with client, a token Linkwright issued to another client (a companion app) is "not linked"', async () => {
    const rider = await linkRider(service, 'Sam', 'companion-app');
    const plain = companySkill(createLinkingKit(options));
    const strict = companySkill(createLinkingKit({ ...options, client: { id: TEST_CLIENT_ID, secret: TEST_CLIENT_SECRET } }));
    const envelope = launchRequest({ clock: service.clock, accessToken: rider.accessToken });
    expect(speech(await plain.invoke(envelope))).to.equal(`user ${rider.account.id} level user person -`);
    expect((await strict.invoke(envelope)).response.card).to.deep.equal({ type: 'LinkAccount' });
  });

  it('resolves once per request however often handlers ask, starting from the interceptor', async () => {
    let calls = 0;
    const resolver: TokenResolver = { provider: 'counting', forgetCached: () => undefined, resolve: async (token) => { calls += 1; return { linked: true, user: { userId: `u-${token}` } }; } };
    const kit = createLinkingKit({ skillName: 'Acme Pantry', resolver });
    const twice: RequestHandler = {
      canHandle: () => true,
      async handle(input) {
        const [a, b] = [await kit.linkedUser(input), await kit.linkedUser(input)];
        return input.responseBuilder.speak(`${a?.userId} ${b?.userId}`).getResponse();
      },
    };
    const skill = SkillBuilders.custom().addRequestInterceptors(kit.requestInterceptor).addRequestHandlers(twice).create();
    expect(speech(await skill.invoke(launchRequest({ clock: service.clock, accessToken: 't1' })))).to.equal('u-t1 u-t1');
    expect(calls).to.equal(1);
    await skill.invoke(launchRequest({ clock: service.clock, accessToken: 't1' }));
    expect(calls).to.equal(2);
  });

  it('hands a link store’s prepared read to remember when the resolver calls alongside, and prepares nothing for a token it refuses first', async () => {
    const events: string[] = [];
    const links: LinkStore = {
      prepare: (alexaUser, person) => {
        events.push(`prepare ${alexaUser} ${person ?? '-'}`);
        return `read-of-${alexaUser}`;
      },
      remember: async (alexaUser, _person, userId, _grant, prepared) => {
        events.push(`remember ${alexaUser} ${userId} ${String(prepared)}`);
      },
      usersOf: async () => [],
      forget: async () => undefined,
    };
    const resolver: TokenResolver = {
      provider: 'checking',
      forgetCached: () => undefined,
      resolve: async (token, tokenOptions) => {
        if (token === 'forged') return { linked: false, reason: 'bad signature' };
        events.push('checked');
        tokenOptions?.alongside?.();
        events.push('asked the store');
        return { linked: true, user: { userId: `u-${token}` } };
      },
    };
    const skill = companySkill(createLinkingKit({ skillName: 'Acme Pantry', resolver, links }));
    const user = alexaUserId('prepared');
    await skill.invoke(launchRequest({ clock: service.clock, accessToken: 't1', userId: user }));
    expect(events).to.deep.equal(['checked', `prepare ${user} -`, 'asked the store', `remember ${user} u-t1 read-of-${user}`]);
    events.length = 0;
    await skill.invoke(launchRequest({ clock: service.clock, accessToken: 'forged', userId: user }));
    expect(events).to.deep.equal([]);
  });

  it('a provider that cannot answer is a spoken apology in the locale, never "not linked"', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const skill = companySkill(createLinkingKit({ issuer: closed, skillName: 'Acme Pantry', timeoutMs: 500 }));
    const rider = await linkRider(service, 'Sam');
    const answer = await skill.invoke(launchRequest({ clock: service.clock, locale: 'fr-FR', accessToken: rider.accessToken }));
    expect(answer.response.card).to.equal(undefined);
    expect(speech(answer)).to.equal('Désolé, Acme Pantry rencontre un problème pour le moment. Veuillez réessayer dans quelques minutes.');
    const odd = structuredClone(launchRequest({ clock: service.clock, accessToken: rider.accessToken })) as unknown as { request: { locale: unknown } };
    odd.request.locale = 5;
    expect(speech(await skill.invoke(odd as unknown as RequestEnvelope))).to.match(/^Sorry, Acme Pantry is having trouble/);
  });

  describe('voice-forward linking', () => {
    it('is on by default with LWA: StartConnection to AskForAccountLinking with the skill’s state; the card when a token was sent', async () => {
      const kit = createLinkingKit({ lwa: { profileUrl: `http://127.0.0.1:${await freePort()}/user/profile` }, skillName: 'Acme Pantry', timeoutMs: 500 });
      const handler: RequestHandler = { canHandle: () => true, handle: (input) => kit.linkAccountResponse(input, { state: { then: 'reorder', item: 42 } }) };
      const skill = SkillBuilders.custom().addRequestHandlers(handler).create();
      const answer = await skill.invoke(intentRequest('ReorderIntent', {}, { clock: service.clock, locale: 'it-IT' }));
      const directive = answer.response.directives?.[0] as unknown as Record<string, unknown>;
      expect(directive).to.deep.include({ type: 'Connections.StartConnection', uri: 'connection://AMAZON.AskForAccountLinking/1', onCompletion: 'RESUME_SESSION' });
      expect(decodeConnectionToken(directive.token)).to.deep.equal({ then: 'reorder', item: 42 });
      expect(speech(answer)).to.equal('Per farlo, devi prima collegare il tuo account Acme Pantry.');
      expect(answer.response.shouldEndSession).to.equal(undefined);
      const stale = await skill.invoke(intentRequest('ReorderIntent', {}, { clock: service.clock, accessToken: 'expired-lwa-token' }));
      expect(stale.response.card).to.deep.equal({ type: 'LinkAccount' });
      expect(stale.response.directives).to.equal(undefined);
    });

    it('starts voice-forward for a recognized person without a link (their level has no token), the card when the level used has a token', async () => {
      const kit = (allowSharedAccountForPersons: boolean) => createLinkingKit({ ...options, voiceForward: true, allowSharedAccountForPersons });
      const answer = (allow: boolean) => {
        const k = kit(allow);
        const handler: RequestHandler = { canHandle: () => true, handle: (input) => k.linkAccountResponse(input) };
        return SkillBuilders.custom().addRequestHandlers(handler).create().invoke(withPerson(launchRequest({ clock: service.clock, accessToken: 'stale-account-token' }), 'amzn1.ask.person.P'));
      };
      expect((await answer(false)).response.directives?.[0]?.type).to.equal('Connections.StartConnection');
      expect((await answer(true)).response.card).to.deep.equal({ type: 'LinkAccount' });
    });

    it('answers every SessionResumedRequest outcome of its own, the card as the safe fallback; another skill’s resume passes on', async () => {
      const skill = companySkill(createLinkingKit({ ...options, voiceForward: true }));
      const ours = encodeConnectionToken({ then: 'x' });
      const resume = (outcome: Parameters<typeof sessionResumedRequest>[0]) => skill.invoke(sessionResumedRequest(outcome, { clock: service.clock, locale: 'es-ES' }));
      const linked = await resume({ token: ours, status: 'LINKED' });
      expect(speech(linked)).to.equal('Gracias, tu cuenta de Acme Pantry ya está vinculada. ¿Qué quieres hacer?');
      expect(linked.response.shouldEndSession).to.equal(false);
      expect(speech(await resume({ token: ours, status: 'DENIED' }))).to.equal('No pasa nada, tu cuenta de Acme Pantry sigue sin vincular. ¿Qué quieres hacer?');
      for (const outcome of [{ token: ours, status: 'USER_REQUIREMENTS_NOT_MET' }, { token: ours, status: 'LINKED', code: '500' }, { token: ours }, { token: ours, status: 'NEW_THING' }, { token: ours, status: 'LINKED', causeType: 'Other' }]) {
        const answer = await resume(outcome);
        expect(answer.response.card, JSON.stringify(outcome)).to.deep.equal({ type: 'LinkAccount' });
        expect(speech(answer)).to.equal('Te he enviado a la app Alexa las instrucciones para vincular tu cuenta de Acme Pantry.');
      }
      expect(speech(await resume({ token: 'another-connection', status: 'LINKED' }))).to.equal('the skill’s own resume');
    });
  });

  describe('skill events', () => {
    it('AccountLinked records the mapping; SkillDisabled revokes every user of the Alexa account (account and persons) once, then forgets', async () => {
      const revoked: string[] = [];
      const kit = createLinkingKit({ ...options, revoke: async (userId) => { revoked.push(userId); return 1; } });
      const skill = companySkill(kit);
      const owner = await linkRider(service, 'Owner');
      const kid = await linkRider(service, 'Kid');
      const household = alexaUserId('household');
      await skill.invoke(skillEvent('AlexaSkillEvent.SkillAccountLinked', { accessToken: owner.accessToken }, { clock: service.clock, userId: household }));
      await skill.invoke(withPerson(launchRequest({ clock: service.clock, userId: household }), 'amzn1.ask.person.KID', kid.accessToken));
      await skill.invoke(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: household }));
      expect(revoked.sort()).to.deep.equal([owner.account.id, kid.account.id].sort());
      await skill.invoke(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: household }));
      expect(revoked).to.have.length(2);
    });

    it('SkillDisabled without a recorded mapping falls back to the event’s token; another Alexa account’s users are untouched', async () => {
      const revoked: string[] = [];
      const skill = companySkill(createLinkingKit({ ...options, revoke: async (userId) => { revoked.push(userId); } }));
      const sam = await linkRider(service, 'Sam');
      const kim = await linkRider(service, 'Kim');
      await skill.invoke(launchRequest({ clock: service.clock, userId: alexaUserId('kim'), accessToken: kim.accessToken }));
      await skill.invoke(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: alexaUserId('sam'), accessToken: sam.accessToken }));
      expect(revoked).to.deep.equal([sam.account.id]);
    });
    it('with issuer and client, SkillDisabled revokes the event’s tokens at Linkwright (RFC 7009): the grant is gone there', async () => {
      const skill = companySkill(createLinkingKit({ ...options, client: { id: TEST_CLIENT_ID, secret: TEST_CLIENT_SECRET } }));
      const rider = await linkRider(service, 'Sam');
      await skill.invoke(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: alexaUserId('revoke-at-issuer'), accessToken: rider.accessToken }));
      expect((await service.services.refreshTokens.get(rider.familyId))?.revokedAt).to.not.equal(undefined);
      const wrong = companySkill(createLinkingKit({ ...options, client: { id: TEST_CLIENT_ID, secret: 'wrong-secret-0123456789abcdef' } }));
      const other = await linkRider(service, 'Kim');
      const answer = await wrong.invoke(skillEvent('AlexaSkillEvent.SkillDisabled', undefined, { clock: service.clock, userId: alexaUserId('wrong-client'), accessToken: other.accessToken }));
      expect(speech(answer)).to.match(/^Sorry, Acme Pantry is having trouble/);
      expect((await service.services.refreshTokens.get(other.familyId))?.revokedAt).to.equal(undefined);
    });
  });
});
