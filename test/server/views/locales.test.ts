import { expect } from 'chai';
import { directionOf, localeFromUiLocales, supportedLocale } from '../../../server/views/i18n/locales';

describe('choosing the pages\' locale', () => {
  it('takes the first ui_locales tag we speak, in order, exact or by its language; ignores malformed tags', () => {
    expect(localeFromUiLocales('de-DE')).to.equal('de-DE');
    expect(localeFromUiLocales('sv-SE fr-CA en-US')).to.equal('fr-CA');
    expect(localeFromUiLocales('pt-PT')).to.equal('pt-BR');
    expect(localeFromUiLocales('es_MX')).to.equal('es-MX');
    expect(localeFromUiLocales('EN-gb')).to.equal('en-GB');
    expect(localeFromUiLocales('<script> ja')).to.equal('ja-JP');
    expect(localeFromUiLocales('sv-SE tlh')).to.equal(undefined);
    expect(localeFromUiLocales('')).to.equal(undefined);
    expect(localeFromUiLocales(undefined)).to.equal(undefined);
  });

  it('maps another region of a language to that language\'s default, and knows Arabic reads right to left', () => {
    expect(supportedLocale('fr-BE')).to.equal('fr-FR');
    expect(supportedLocale('en-NZ')).to.equal('en-US');
    expect(supportedLocale('zh-CN')).to.equal(undefined);
    expect(directionOf('ar-SA')).to.equal('rtl');
    expect(directionOf('hi-IN')).to.equal('ltr');
  });
});
