import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadSettings } from '../../../server/config/settings';
import { SettingsError } from '../../../server/config/env';
import { colourStylesheet, contrastRatio } from '../../../server/views/brand-assets';
import { PAGE_LOCALES, PAGE_MESSAGES, type PageMessages } from '../../../server/views/i18n';
import { en } from '../../../server/views/i18n/en';
import { startTestService, type TestService } from '../../support/service';
import { authorizeQuery, Browser, createRider, formState, headings, inlineError, openAuthorize, PASSWORD, signIn, USERNAME } from '../oauth/flow-helpers';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (text: string): string => text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] as string);

/** The <html> element's lang and dir. */
function htmlAttributes(page: string): { lang: string | undefined; dir: string | undefined } {
  const match = /<html lang="([^"]*)" dir="([^"]*)">/.exec(page);
  return { lang: match?.[1], dir: match?.[2] };
}

/** Every string of a locale, the functions called with recognisable arguments. */
function rendered(messages: PageMessages): Record<string, string> {
  return Object.fromEntries(
    Object.entries(messages).map(([key, value]) => [key, typeof value === 'function' ? (value as (...args: Array<string | number>) => string)('«A»', '«B»') : value]),
  );
}

describe('end-user pages in the visitor\'s language', function () {
  this.timeout(30_000);
  let service: TestService;
  before(async () => {
    service = await startTestService();
    await createRider(service);
  });
  after(async () => {
    await service?.close();
  });

  it('has every string in each of the 17 Alexa locales, each a real translation with its placeholders', () => {
    expect([...PAGE_LOCALES].sort()).to.deep.equal(['ar-SA', 'de-DE', 'en-AU', 'en-CA', 'en-GB', 'en-IN', 'en-US', 'es-ES', 'es-MX', 'es-US', 'fr-CA', 'fr-FR', 'hi-IN', 'it-IT', 'ja-JP', 'nl-NL', 'pt-BR']);
    const english = rendered(en);
    for (const locale of PAGE_LOCALES) {
      const messages = PAGE_MESSAGES[locale];
      expect(Object.keys(messages).sort(), locale).to.deep.equal(Object.keys(en).sort());
      const words = rendered(messages);
      for (const [key, text] of Object.entries(words)) {
        expect(text.trim(), `${locale} ${key}`).to.not.equal('');
        // A placeholder the English text uses is used in every translation too.
        for (const placeholder of ['«A»', '«B»']) if ((english[key] ?? '').includes(placeholder)) expect(text, `${locale} ${key} keeps ${placeholder}`).to.include(placeholder);
      }
      if (!locale.startsWith('en-')) {
        const same = Object.keys(words).filter((key) => words[key] === english[key]);
        // A few words are the same in some languages (Privacy, Password); nearly everything else differs.
        expect(same.length, `${locale} strings left in English: ${same.join(', ')}`).to.be.at.most(3);
      }
    }
  });

  it('renders the sign-in page in each locale from ui_locales, with lang set and dir="rtl" for Arabic', async () => {
    for (const locale of PAGE_LOCALES) {
      const { page } = await openAuthorize(new Browser(service.url), authorizeQuery({ ui_locales: locale }));
      expect(htmlAttributes(page), locale).to.deep.equal({ lang: locale, dir: locale === 'ar-SA' ? 'rtl' : 'ltr' });
      const text = PAGE_MESSAGES[locale];
      expect(headings(page).map(decode), locale).to.deep.equal([text.signInTitle('Alexa')]);
      expect(decode(page), locale).to.include(`<button type="submit">${text.signInButton}</button>`);
      expect(decode(page), locale).to.include(text.passwordLabel);
    }
  });

  it('reads Accept-Language when ui_locales names none we speak: q-values, other regions, wildcards', async () => {
    const cases: Array<[string, string]> = [
      ['fr-CH, fr;q=0.9, en;q=0.8', 'fr-FR'],
      ['de-AT', 'de-DE'],
      ['en-GB,en;q=0.9', 'en-GB'],
      ['pt-PT;q=0.5, es-MX', 'es-MX'],
      ['ja', 'ja-JP'],
      ['*', 'en-US'],
      ['xx-YY, zz', 'en-US'],
      ['', 'en-US'],
    ];
    for (const [header, expected] of cases) {
      const browser = new Browser(service.url, header ? { 'accept-language': header } : {});
      const { page } = await openAuthorize(browser, authorizeQuery({ ui_locales: 'tlh-KX' }));
      expect(htmlAttributes(page).lang, header).to.equal(expected);
    }
  });

  it('keeps the ui_locales language through the whole flow, over a different Accept-Language', async () => {
    const browser = new Browser(service.url, { 'accept-language': 'en-US' });
    const login = await openAuthorize(browser, authorizeQuery({ ui_locales: 'it-IT de-DE' }));
    expect(htmlAttributes(login.page).lang).to.equal('it-IT');
    const wrong = await browser.postForm('/oauth/login', { ...formState(login.page), username: USERNAME, password: 'not it' });
    const wrongPage = await wrong.text();
    expect(htmlAttributes(wrongPage).lang).to.equal('it-IT');
    expect(decode(inlineError(wrongPage) ?? '')).to.equal(PAGE_MESSAGES['it-IT'].wrongCredentials);
    const consent = await signIn(browser, formState(wrongPage), USERNAME, PASSWORD);
    expect(htmlAttributes(consent.page).lang).to.equal('it-IT');
    expect(headings(consent.page).map(decode)).to.deep.equal([PAGE_MESSAGES['it-IT'].consentTitle('Alexa')]);
    expect(decode(consent.page)).to.include(PAGE_MESSAGES['it-IT'].scopeProfile);
  });

  it('speaks DEFAULT_LOCALE when the browser names nothing we speak, and refuses an unknown one', async () => {
    const german = await startTestService({ env: { DEFAULT_LOCALE: 'de-DE' } });
    try {
      const { page } = await openAuthorize(new Browser(german.url), authorizeQuery());
      expect(htmlAttributes(page).lang).to.equal('de-DE');
      const { page: french } = await openAuthorize(new Browser(german.url, { 'accept-language': 'fr' }), authorizeQuery());
      expect(htmlAttributes(french).lang).to.equal('fr-FR');
    } finally {
      await german.close();
    }
    expect(() => loadSettings({ DEFAULT_LOCALE: 'de' })).to.throw(SettingsError, /DEFAULT_LOCALE must be one of/);
  });

  it('answers error pages in the visitor\'s language too (expired page)', async () => {
    const response = await new Browser(service.url, { 'accept-language': 'nl-NL' }).get('/oauth/consent?interaction=gone');
    const page = await response.text();
    expect(htmlAttributes(page).lang).to.equal('nl-NL');
    expect(headings(page).map(decode)).to.deep.equal([PAGE_MESSAGES['nl-NL'].expiredTitle]);
  });
});

describe('the company\'s brand on the end-user pages', function () {
  this.timeout(30_000);
  let service: TestService;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lw-brand-'));
    writeFileSync(join(dir, 'logo.png'), Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'));
    writeFileSync(join(dir, 'company.css'), '.card { border-width: 2px; }\n');
    service = await startTestService({
      env: {
        BRAND_NAME: 'Ride Hailer',
        BRAND_LOGO_FILE: join(dir, 'logo.png'),
        BRAND_COLOR: '#ffeb3b',
        BRAND_STYLESHEET_FILE: join(dir, 'company.css'),
        BRAND_TERMS_URL: 'https://ridehailer.example/terms',
        BRAND_PRIVACY_URL: 'https://ridehailer.example/privacy',
        BRAND_SUPPORT_URL: 'https://help.ridehailer.example/linking',
        BRAND_PASSWORD_RESET_URL: 'https://ridehailer.example/reset',
        BRAND_SIGNUP_URL: 'https://ridehailer.example/join',
      },
    });
    await createRider(service);
  });
  after(async () => {
    await service?.close();
  });

  it('shows the name, the logo (served by us), the colour and the company stylesheet after ours, and the links', async () => {
    const browser = new Browser(service.url);
    const { page } = await openAuthorize(browser, authorizeQuery());
    expect(page).to.include('<title>Sign in to link Alexa · Ride Hailer</title>');
    expect(page).to.not.include('Linkwright');
    const logo = /<img class="logo" src="([^"]+)" alt="Ride Hailer">/.exec(page)?.[1] as string;
    expect(logo).to.match(/^\/assets\/brand-logo\?v=/);
    const image = await fetch(`${service.url}${logo}`);
    expect(image.status).to.equal(200);
    expect(image.headers.get('content-type')).to.equal('image/png');
    const etag = image.headers.get('etag') as string;
    expect((await fetch(`${service.url}${logo}`, { headers: { 'if-none-match': etag } })).status).to.equal(304);

    const sheets = [...page.matchAll(/<link rel="stylesheet" href="([^"]+)">/g)].map((m) => m[1] as string);
    expect(sheets).to.have.length(3);
    expect(sheets[0]).to.match(/^\/assets\/linkwright\.css/);
    expect(sheets[1]).to.match(/^\/assets\/brand\.css\?v=/);
    expect(sheets[2]).to.match(/^\/assets\/brand-custom\.css\?v=/);
    const colour = await (await fetch(`${service.url}${sheets[1]}`)).text();
    expect(colour).to.include('--brand: #ffeb3b;');
    expect(colour, 'yellow buttons get black text').to.include('--brand-text: #000000;');
    expect(await (await fetch(`${service.url}${sheets[2]}`)).text()).to.equal('.card { border-width: 2px; }\n');

    for (const href of ['https://ridehailer.example/terms', 'https://ridehailer.example/privacy', 'https://help.ridehailer.example/linking', 'https://ridehailer.example/reset', 'https://ridehailer.example/join']) {
      expect(page, href).to.include(`href="${href}"`);
    }
    // The reset and sign-up links belong on sign-in only.
    const consent = await signIn(browser, formState(page));
    expect(consent.page).to.include('href="https://ridehailer.example/terms"');
    expect(consent.page).to.not.include('https://ridehailer.example/reset');
    // Error pages point to support.
    const expired = await (await browser.get('/oauth/consent?interaction=gone')).text();
    expect(expired).to.include('data-testid="support"');
  });

  it('keeps the strict CSP: styles and images from our origin; no upgrade-insecure-requests over http', async () => {
    const response = await fetch(`${service.url}/oauth/authorize?${authorizeQuery()}`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).to.include("style-src 'self'");
    expect(csp).to.include("img-src 'self' data:;");
    expect(csp).to.not.include('upgrade-insecure-requests');
    expect(csp).to.not.include('unsafe-inline');
  });

  it('widens img-src to exactly an https logo URL\'s origin, and upgrades insecure requests when PUBLIC_URL is https', async () => {
    const https = await startTestService({ env: { PUBLIC_URL: 'https://link.ridehailer.example', BRAND_LOGO_URL: 'https://cdn.ridehailer.example/brand/logo.svg' } });
    try {
      const response = await fetch(`${https.url}/oauth/authorize?${authorizeQuery()}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).to.include("img-src 'self' data: https://cdn.ridehailer.example;");
      expect(csp).to.include('upgrade-insecure-requests');
      expect(await response.text()).to.include('<img class="logo" src="https://cdn.ridehailer.example/brand/logo.svg" alt="Linkwright">');
    } finally {
      await https.close();
    }
  });

  it('picks black or white button text for any colour, whichever contrasts more', () => {
    expect(colourStylesheet('#0a5fb4')).to.include('--brand-text: #ffffff;');
    expect(colourStylesheet('#ffeb3b')).to.include('--brand-text: #000000;');
    expect(contrastRatio('#000000', '#ffffff')).to.be.closeTo(21, 0.01);
  });
});

describe('brand settings', () => {
  const production = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://link.ridehailer.example',
    REDIS_URL: 'redis://127.0.0.1:6379',
    OAUTH_CLIENT_ID: 'alexa',
    OAUTH_CLIENT_SECRET: 'k3y-8f1b0c2d7e4a9b6c5d0e1f2a3b4c',
    ALEXA_VENDOR_ID: 'M2AB3CD4EF5GH',
    SIGNING_KEY_FILES: '',
    SKILL_ID: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555',
    APP_LINKS_ENABLED: 'false',
  };
  const problems = (env: Record<string, string>): string[] => {
    try {
      loadSettings(env);
      return [];
    } catch (error) {
      return (error as SettingsError).problems;
    }
  };
  const brandProblems = (env: Record<string, string>) => problems(env).filter((line) => line.startsWith('BRAND_'));

  it('refuses the default name in production, in one line; SERVICE_NAME still names the brand', () => {
    expect(brandProblems(production)).to.deep.equal(['BRAND_NAME is required in production: the sign-in pages would show "Linkwright" to your users']);
    expect(brandProblems({ ...production, BRAND_NAME: 'Linkwright' })).to.have.length(1);
    expect(brandProblems({ ...production, BRAND_NAME: 'Ride Hailer' })).to.deep.equal([]);
    expect(brandProblems({ ...production, SERVICE_NAME: 'Ride Hailer' })).to.deep.equal([]);
    expect(loadSettings({ SERVICE_NAME: 'Ride Hailer' }).oauth.serviceName).to.equal('Ride Hailer');
    expect(loadSettings({}).brand.name, 'development may show the default').to.equal('Linkwright');
  });

  it('names each bad value: colour, non-https links in production, unreadable or unknown logo and stylesheet files', () => {
    expect(brandProblems({ BRAND_COLOR: 'purple' })).to.deep.equal(['BRAND_COLOR must be a hex colour such as #0a5fb4, got "purple"']);
    expect(loadSettings({ BRAND_COLOR: '#AbC' }).brand.color).to.equal('#aabbcc');
    expect(brandProblems({ ...production, BRAND_NAME: 'Ride Hailer', BRAND_SUPPORT_URL: 'http://help.example', BRAND_SIGNUP_URL: 'https://ok.example' })).to.deep.equal([
      'BRAND_SUPPORT_URL must be https in production, got "http://help.example"',
    ]);
    expect(brandProblems({ BRAND_TERMS_URL: 'terms.html' })).to.deep.equal(['BRAND_TERMS_URL must be an absolute http(s) URL, got "terms.html"']);
    expect(brandProblems({ BRAND_LOGO_FILE: '/nonexistent/logo.png' })).to.deep.equal(['BRAND_LOGO_FILE: cannot read /nonexistent/logo.png (ENOENT)']);
    expect(brandProblems({ BRAND_LOGO_FILE: '/etc/hostname' })[0]).to.match(/^BRAND_LOGO_FILE must be one of \.png \.svg/);
    expect(brandProblems({ BRAND_STYLESHEET_FILE: '/nonexistent/company.css' })).to.deep.equal(['BRAND_STYLESHEET_FILE: cannot read /nonexistent/company.css (ENOENT)']);
  });
});
