import { expect } from 'chai';
import { PROMPTS_BY_LOCALE, promptLocale, promptsFor } from '../../../server/skill/prompts';
import type { PromptSet } from '../../../server/skill/prompts/types';
import { ssmlText } from '../../../server/skill/speech';
import { intentRequest, postToSkill, speechOf } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { startSkillService } from './skill-test-kit';

/** The 17 locales a custom skill can be published in. */
const LOCALES = ['ar-SA', 'nl-NL', 'en-AU', 'en-CA', 'en-IN', 'en-GB', 'en-US', 'fr-CA', 'fr-FR', 'de-DE', 'hi-IN', 'it-IT', 'ja-JP', 'pt-BR', 'es-ES', 'es-MX', 'es-US'];
const SKILL = 'Zephyr Cabs';

describe('skill prompts: the LinkAccount card prompt in every locale (over HTTP)', () => {
  let service: TestService;
  before(async () => {
    service = await startSkillService({ SKILL_NAME: SKILL });
  });
  after(async () => service.close());

  it('has prompts for exactly the 17 custom-skill locales', () => {
    expect(Object.keys(PROMPTS_BY_LOCALE).sort()).to.deep.equal([...LOCALES].sort());
  });

  for (const locale of LOCALES) {
    it(`${locale}: explains why, says the instructions went to the Alexa app, sends the card, ends the session`, async () => {
      const answer = await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, locale }));
      expect(answer.status).to.equal(200);
      expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
      expect(answer.body.response?.shouldEndSession).to.equal(true);
      const speech = speechOf(answer);
      expect(speech).to.contain(SKILL);
      expect(speech).to.equal(ssmlText(promptsFor(locale).linkNeeded({ skill: SKILL })));
      expect(speech).to.contain('Alexa');
      if (!locale.startsWith('en-')) expect(speech).not.to.equal(speechOf(await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, locale: 'en-US' }))));
    });
  }

  it('falls back from an unknown locale to its language, then to English', async () => {
    const german = speechOf(await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, locale: 'de-AT' })));
    expect(german).to.equal(ssmlText(PROMPTS_BY_LOCALE['de-DE']?.linkNeeded({ skill: SKILL }) ?? ''));
    const english = speechOf(await postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, locale: 'sv-SE' })));
    expect(english).to.equal(ssmlText(PROMPTS_BY_LOCALE['en-US']?.linkNeeded({ skill: SKILL }) ?? ''));
  });
});

describe('skill prompts: locale fallback and placeholders', () => {
  it('resolves exact locales, then the language default, then en-US', () => {
    expect(promptLocale('fr-CA')).to.equal('fr-CA');
    expect(promptLocale('fr-BE')).to.equal('fr-FR');
    expect(promptLocale('es-AR')).to.equal('es-ES');
    expect(promptLocale('pt-PT')).to.equal('pt-BR');
    expect(promptLocale('en-NZ')).to.equal('en-US');
    expect(promptLocale('de_CH')).to.equal('de-DE');
    expect(promptLocale('EN-gb')).to.equal('en-GB');
    expect(promptLocale('sv-SE')).to.equal('en-US');
    expect(promptLocale('')).to.equal('en-US');
    expect(promptLocale(undefined)).to.equal('en-US');
  });

  // Every placeholder a prompt receives must be spoken, in every locale.
  const samples: { [K in keyof PromptSet]: Parameters<PromptSet[K]>[0] } = {
    welcome: { skill: SKILL },
    welcomeBack: { skill: SKILL, name: 'Quinn' },
    welcomeWithLinkCard: { skill: SKILL },
    offerLink: { skill: SKILL },
    reprompt: { skill: SKILL },
    help: { skill: SKILL },
    askCity: { skill: SKILL },
    available: { skill: SKILL, city: 'Xanadu', minutes: 7 },
    unavailable: { skill: SKILL, city: 'Xanadu' },
    rideOrdered: { skill: SKILL, name: 'Quinn', minutes: 7, destination: 'Shangri-La' },
    linkNeeded: { skill: SKILL },
    linkCardRequested: { skill: SKILL },
    linkIntro: { skill: SKILL },
    linkIntroForOrder: { skill: SKILL },
    linkedThanks: { skill: SKILL },
    linkedWhatNext: { skill: SKILL },
    linkedAskToOrder: { skill: SKILL },
    alreadyLinked: { skill: SKILL, name: 'Quinn' },
    linkDeclined: { skill: SKILL },
    fallback: { skill: SKILL },
    goodbye: { skill: SKILL },
    apology: { skill: SKILL },
  };
  /** Prompts that name the skill in every language (the rest may, but need not). */
  const namesSkill = new Set(['welcome', 'welcomeBack', 'offerLink', 'help', 'available', 'unavailable', 'linkNeeded', 'linkCardRequested', 'linkIntro', 'linkedThanks', 'alreadyLinked', 'apology']);

  for (const locale of LOCALES) {
    it(`${locale}: every prompt is filled and speaks its placeholders`, () => {
      const prompts = PROMPTS_BY_LOCALE[locale] as PromptSet;
      for (const key of Object.keys(samples) as Array<keyof PromptSet>) {
        // Each sample matches its prompt's parameter type (checked by `samples`' own type above).
        const params = samples[key] as unknown as Record<string, unknown>;
        const text = (prompts[key] as unknown as (p: Record<string, unknown>) => string)(params);
        expect(text.trim(), `${locale} ${key}`).not.to.equal('');
        expect(text, `${locale} ${key}`).not.to.match(/undefined|\$\{|NaN/);
        for (const [name, value] of Object.entries(params)) {
          if (name === 'skill' && !namesSkill.has(key)) continue;
          expect(text, `${locale} ${key} ${name}`).to.contain(String(value));
        }
      }
      const withoutDestination = prompts.rideOrdered({ skill: SKILL, name: 'Quinn', minutes: 4 });
      expect(withoutDestination).not.to.contain('Shangri-La');
      expect(withoutDestination).to.contain('4');
    });
  }

  it('escapes names and cities for SSML', async () => {
    const service = await startSkillService({ SKILL_NAME: 'Rides & <Co>' });
    try {
      const answer = await postToSkill(service.url, intentRequest('RideAvailabilityIntent', { city: 'Tom\'s "Town"' }, { clock: service.clock }));
      expect(answer.body.response?.outputSpeech?.ssml).to.equal('<speak>Sorry, Rides &amp; &lt;Co&gt; doesn&apos;t operate in Tom&apos;s &quot;Town&quot; yet.</speak>');
    } finally {
      await service.close();
    }
  });
});
