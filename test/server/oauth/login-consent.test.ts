import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import {
  ALEXA_REDIRECTS,
  answerConsent,
  authorizeQuery,
  Browser,
  createRider,
  formState,
  headings,
  inlineError,
  openAuthorize,
  PASSWORD,
  signIn,
  USERNAME,
} from './flow-helpers';

describe('sign-in and consent pages', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
    await createRider(service);
    await createRider(service, 'other@example.com', 'another long password');
  });
  after(async () => service?.close());

  describe('POST /oauth/login', () => {
    it('shows a wrong password inline on the same page, keeping the username and the form usable', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const response = await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: 'wrong password' });
      const page = await response.text();
      expect(response.status).to.equal(400);
      expect(inlineError(page)).to.equal('The username or password is incorrect.');
      expect(page).to.include(`value="${USERNAME}"`);
      expect(page).to.include('aria-invalid="true"');
      expect(headings(page)).to.have.length(1);
      const retry = await signIn(browser, formState(page));
      expect(headings(retry.page)).to.deep.equal(['Allow Alexa to use your account?']);
      expect(service.logs.events('login.failed').length).to.be.greaterThan(0);
    });

    it('treats an unknown username exactly like a wrong password', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const response = await browser.postForm('/oauth/login', { ...form, username: 'nobody@example.com', password: PASSWORD });
      expect(response.status).to.equal(400);
      expect(inlineError(await response.text())).to.equal('The username or password is incorrect.');
    });

    it('asks for both fields when one is empty', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const response = await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: '' });
      expect(response.status).to.equal(400);
      expect(inlineError(await response.text())).to.equal('Enter your username and your password.');
    });

    it('refuses oversized credentials as incorrect', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const response = await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: 'p'.repeat(2000) });
      expect(response.status).to.equal(400);
      expect(inlineError(await response.text())).to.equal('The username or password is incorrect.');
    });

    it('refuses a post without the CSRF token, with a wrong one, or from another browser (403 page)', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const attempts: Array<[Browser, Record<string, string | undefined>]> = [
        [browser, { interaction: form.interaction, csrf: undefined }],
        [browser, { interaction: form.interaction, csrf: form.csrf.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) }],
        [new Browser(service.url), { interaction: form.interaction, csrf: form.csrf }],
      ];
      for (const [who, fields] of attempts) {
        const response = await who.postForm('/oauth/login', { ...fields, username: USERNAME, password: PASSWORD });
        expect(response.status).to.equal(403);
        expect(await response.text()).to.include('This form could not be verified');
      }
      const stolenCookie = new Browser(service.url);
      stolenCookie.cookies.set('lw-browser', 'A'.repeat(43));
      expect((await stolenCookie.postForm('/oauth/login', { ...form, username: USERNAME, password: PASSWORD })).status).to.equal(403);
      expect(service.logs.events('interaction.csrf_failed').length).to.be.at.least(4);
      // None of that consumed the interaction: the real browser still signs in.
      await signIn(browser, form);
    });

    it('refuses an unknown or expired interaction with a page that says to start again', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const unknown = await browser.postForm('/oauth/login', { interaction: 'x'.repeat(43), csrf: form.csrf, username: USERNAME, password: PASSWORD });
      expect(unknown.status).to.equal(400);
      expect(await unknown.text()).to.include('start linking again');
      service.clock.advance(service.services.settings.oauth.interactionTtlSec * 1000 + 1);
      const expired = await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: PASSWORD });
      expect(expired.status).to.equal(400);
      expect(headings(await expired.text())).to.deep.equal(['This page has expired']);
    });

    it('refuses a body that is not a form, or duplicated fields, with an HTML page', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const json = await fetch(`${service.url}/oauth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: `lw-browser=${browser.cookies.get('lw-browser')}` },
        body: JSON.stringify({ ...form, username: USERNAME, password: PASSWORD }),
      });
      expect(json.status).to.equal(400);
      expect(json.headers.get('content-type')).to.match(/^text\/html/);
      expect(await json.text()).to.include('must be application/x-www-form-urlencoded, not application/json');
      const body = new URLSearchParams({ ...form, username: USERNAME, password: PASSWORD });
      body.append('username', 'other@example.com');
      const duplicated = await fetch(`${service.url}/oauth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `lw-browser=${browser.cookies.get('lw-browser')}` },
        body: body.toString(),
      });
      expect(duplicated.status).to.equal(400);
      expect(await duplicated.text()).to.include('The form arrived incomplete or altered.');
    });

    it('sends a user already signed in during this interaction on to consent', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const consent = await signIn(browser, form);
      const again = await browser.postForm('/oauth/login', { ...consent, username: 'other@example.com', password: 'another long password' });
      expect(again.status).to.equal(303);
      const page = await (await browser.get(again.headers.get('location') as string)).text();
      expect(page).to.include(USERNAME);
    });

    it('replaces the CSRF token at sign-in, so the sign-in page\'s token cannot answer consent', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery());
      const consent = await signIn(browser, form);
      expect(consent.csrf).to.not.equal(form.csrf);
      // The sign-in page's form names the sealed pending interaction, which no consent post accepts.
      const stale = await browser.postForm('/oauth/consent', { ...form, decision: 'allow' });
      expect(stale.status).to.equal(400);
      expect(stale.headers.get('location')).to.equal(null);
    });
  });

  describe('consent', () => {
    it('shows who is signed in and what the client may do, and widens form-action to the redirect origin only', async () => {
      const browser = new Browser(service.url);
      const form = await openAuthorize(browser, authorizeQuery({ redirect_uri: ALEXA_REDIRECTS[2] }));
      const posted = await browser.postForm('/oauth/login', { ...form, username: USERNAME, password: PASSWORD });
      const consent = await browser.get(posted.headers.get('location') as string);
      const page = await consent.text();
      expect(page).to.include('Test Rider').and.include(USERNAME);
      expect(page).to.include('Know who you are: your name and account id');
      expect(page).to.match(/<button type="submit" name="decision" value="allow">Allow<\/button>/);
      expect(page).to.match(/<button type="submit" name="decision" value="deny"/);
      const csp = consent.headers.get('content-security-policy') as string;
      expect(csp).to.include("form-action 'self' https://alexa.amazon.co.jp");
      expect(csp).to.include("default-src 'none'");
      expect(csp.match(/form-action/g)).to.have.length(1);
      expect(consent.headers.get('cache-control')).to.equal('no-store');
    });

    it('redirects with the code and the state exactly as sent, however unusual its characters', async () => {
      const state = 'a b+c/d=e&f?g%h#i ü 😀 "quoted" <tag>';
      const browser = new Browser(service.url);
      const consent = await signIn(browser, await openAuthorize(browser, authorizeQuery({ state })));
      const location = await answerConsent(browser, consent, 'allow');
      expect(location.searchParams.get('state')).to.equal(state);
      expect(location.searchParams.get('code')).to.match(/^[A-Za-z0-9_-]{43}$/);
    });

    it('omits state when the request had none', async () => {
      const browser = new Browser(service.url);
      const location = await answerConsent(browser, await signIn(browser, await openAuthorize(browser, authorizeQuery({ state: undefined }))), 'allow');
      expect(location.searchParams.has('state')).to.equal(false);
      expect(location.searchParams.has('code')).to.equal(true);
    });

    it('answers Deny with access_denied and the state, and mints no code', async () => {
      const browser = new Browser(service.url);
      const location = await answerConsent(browser, await signIn(browser, await openAuthorize(browser, authorizeQuery({ state: 'deny-me' }))), 'deny');
      expect(location.origin + location.pathname).to.equal(ALEXA_REDIRECTS[0]);
      expect(location.searchParams.get('error')).to.equal('access_denied');
      expect(location.searchParams.get('state')).to.equal('deny-me');
      expect(location.searchParams.has('code')).to.equal(false);
      expect(service.logs.events('consent.denied').length).to.be.greaterThan(0);
    });

    it('sends a double submit to the same answer, and never mints a second code', async () => {
      const browser = new Browser(service.url);
      const consent = await signIn(browser, await openAuthorize(browser, authorizeQuery()));
      const first = await answerConsent(browser, consent, 'allow');
      const second = await answerConsent(browser, consent, 'allow');
      expect(second.href).to.equal(first.href);
      const denied = await answerConsent(browser, consent, 'deny');
      expect(denied.href).to.equal(first.href);
    });

    it('refuses the answer from another browser, and an answer after the interaction expired', async () => {
      const browser = new Browser(service.url);
      const consent = await signIn(browser, await openAuthorize(browser, authorizeQuery()));
      expect((await new Browser(service.url).postForm('/oauth/consent', { ...consent, decision: 'allow' })).status).to.equal(403);
      expect((await new Browser(service.url).get(`/oauth/consent?interaction=${consent.interaction}`)).status).to.equal(403);
      service.clock.advance(service.services.settings.oauth.interactionTtlSec * 1000 + 1);
      const late = await browser.postForm('/oauth/consent', { ...consent, decision: 'allow' });
      expect(late.status).to.equal(400);
      expect(headings(await late.text())).to.deep.equal(['This page has expired']);
    });

    it('asks again for an unknown decision', async () => {
      const browser = new Browser(service.url);
      const consent = await signIn(browser, await openAuthorize(browser, authorizeQuery()));
      const response = await browser.postForm('/oauth/consent', { ...consent, decision: 'maybe' });
      expect(response.status).to.equal(400);
      expect(inlineError(await response.text())).to.equal('Choose Allow or Deny.');
    });

    it('lets the user switch accounts, and the code then belongs to the second one', async () => {
      const browser = new Browser(service.url);
      const consent = await signIn(browser, await openAuthorize(browser, authorizeQuery()));
      const switched = await browser.postForm('/oauth/consent', { ...consent, decision: 'switch' });
      expect(switched.status).to.equal(303);
      const loginPage = await (await browser.get(switched.headers.get('location') as string)).text();
      expect(headings(loginPage)).to.deep.equal(['Sign in to link Alexa']);
      const second = await signIn(browser, formState(loginPage), 'other@example.com', 'another long password');
      expect(second.page).to.include('other@example.com');
      const location = await answerConsent(browser, second, 'allow');
      const body = await fetch(`${service.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: location.searchParams.get('code') as string,
          redirect_uri: ALEXA_REDIRECTS[0],
          client_id: service.services.settings.oauth.clientId,
          client_secret: service.services.settings.oauth.clientSecret as string,
        }).toString(),
      }).then((r) => r.json() as Promise<{ access_token: string }>);
      const other = await service.services.accounts.findByName('other@example.com');
      expect(service.services.accessTokens.verify(body.access_token).sub).to.equal(other?.id);
    });

    it('shows the sign-in form on the consent URL once nobody is signed in any more, and answers consent posts with it', async () => {
      const browser = new Browser(service.url);
      const consent = await signIn(browser, await openAuthorize(browser, authorizeQuery()));
      const switched = await browser.postForm('/oauth/consent', { ...consent, decision: 'switch' });
      expect(switched.status).to.equal(303);
      const consentUrl = switched.headers.get('location') as string;
      const page = await (await browser.get(consentUrl)).text();
      expect(headings(page)).to.deep.equal(['Sign in to link Alexa']);
      const early = await browser.postForm('/oauth/consent', { ...formState(page), decision: 'allow' });
      expect(early.status).to.equal(303);
      expect(early.headers.get('location')).to.equal(consentUrl);
    });

    it('uses a Secure __Host- cookie when PUBLIC_URL is https, and the flow still completes', async () => {
      const secure = await startTestService({ env: { PUBLIC_URL: 'https://link.example' } });
      try {
        await createRider(secure);
        const browser = new Browser(secure.url);
        const response = await browser.get(`/oauth/authorize?${authorizeQuery()}`);
        const cookie = response.headers.getSetCookie().find((line) => line.startsWith('__Host-lw-browser='));
        expect(cookie).to.match(/; Secure/i).and.match(/; HttpOnly/i).and.match(/; SameSite=Lax/i).and.match(/; Path=\//);
        expect(cookie).to.not.match(/Domain=/i);
        const location = await answerConsent(browser, await signIn(browser, formState(await response.text())), 'allow');
        expect(location.searchParams.get('iss')).to.equal('https://link.example');
      } finally {
        await secure.close();
      }
    });

    it('answers GET on the form endpoints with 405 and an Allow header', async () => {
      const response = await fetch(`${service.url}/oauth/login`);
      expect(response.status).to.equal(405);
      expect(response.headers.get('allow')).to.equal('POST');
    });
  });
});
