import { expect } from 'chai';
import { ALEXA_LOCALES, alexaLocale } from '../../../kit/ask-sdk';
import { LinkPromptBook } from '../../../kit/linking';
import { matchAlexaLocale } from '../../../kit/linking/locales';
import { promptLocale, promptsFor } from '../../../server/skill/prompts';
import { supportedLocale } from '../../../server/views/i18n/locales';

describe('the kit\'s locale table: one rule for prompts, the demo skill and the pages', () => {
  it('resolves exact, then by case and separator, then by language, then to en-US', () => {
    expect(ALEXA_LOCALES).to.have.length(17);
    expect(alexaLocale('ja-JP')).to.equal('ja-JP');
    expect(alexaLocale(' es_mx ')).to.equal('es-MX');
    expect(alexaLocale('fr-BE')).to.equal('fr-FR');
    expect(alexaLocale('nl')).to.equal('nl-NL');
    expect(alexaLocale('sv-SE')).to.equal('en-US');
    expect(alexaLocale(42)).to.equal('en-US');
    expect(matchAlexaLocale('sv-SE')).to.equal(undefined);
  });

  it('does not take a name of Object.prototype for a language (the apology must never throw)', () => {
    for (const tag of ['constructor', 'toString', '__proto__', 'hasOwnProperty-US']) {
      expect(alexaLocale(tag), tag).to.equal('en-US');
      expect(promptLocale(tag), tag).to.equal('en-US');
      expect(supportedLocale(tag), tag).to.equal(undefined);
      expect(() => promptsFor(tag).apology({ skill: 'Ride Hailer' }), tag).not.to.throw();
      expect(new LinkPromptBook().for(tag).apology, tag).to.be.a('string');
    }
  });
});
