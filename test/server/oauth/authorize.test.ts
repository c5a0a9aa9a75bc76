import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { ALEXA_REDIRECTS, authorizeQuery, Browser, headings, pkcePair } from './flow-helpers';

/** Opens an authorization URL and returns where it redirected (asserting a 303 to the registered URI). */
async function redirectedError(service: TestService, query: string): Promise<URL> {
  const response = await new Browser(service.url).get(`/oauth/authorize?${query}`);
  expect(response.status, await response.clone().text()).to.equal(303);
  const location = new URL(response.headers.get('location') as string);
  expect(location.origin + location.pathname).to.equal(ALEXA_REDIRECTS[0]);
  expect(location.searchParams.has('code')).to.equal(false);
  return location;
}

/** Opens an authorization URL and returns the error page (asserting 400 and no redirect). */
async function errorPage(service: TestService, query: string): Promise<string> {
  const response = await new Browser(service.url).get(`/oauth/authorize?${query}`);
  expect(response.status).to.equal(400);
  expect(response.headers.get('location')).to.equal(null);
  expect(response.headers.get('content-type')).to.match(/^text\/html/);
  return response.text();
}

describe('GET /oauth/authorize', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => service?.close());

  describe('a valid request', () => {
    it('shows the sign-in page with labelled fields, one h1, hidden CSRF fields and a browser cookie', async () => {
      const browser = new Browser(service.url);
      const response = await browser.get(`/oauth/authorize?${authorizeQuery()}`);
      const page = await response.text();
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(headings(page)).to.deep.equal(['Sign in to link Alexa']);
      expect(page).to.match(/<label for="username">/).and.match(/<input id="username" name="username"/);
      expect(page).to.match(/<label for="password">/).and.match(/<input id="password" name="password" type="password"/);
      expect(page).to.match(/<meta name="viewport" content="width=device-width, initial-scale=1">/);
      expect(page).to.not.match(/<script/i);
      expect(page).to.match(/<input type="hidden" name="csrf" value="[A-Za-z0-9_-]{43}">/);
      const cookie = response.headers.getSetCookie().find((line) => line.startsWith('lw-browser='));
      expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i).and.match(/Path=\//);
      expect(cookie).to.not.match(/Secure/i); // PUBLIC_URL is http in tests
      expect(response.headers.get('content-security-policy')).to.match(/form-action 'self'(;|$)/);
    });

    it('serves the stylesheet the page links to from our own origin', async () => {
      const page = await (await new Browser(service.url).get(`/oauth/authorize?${authorizeQuery()}`)).text();
      const href = /<link rel="stylesheet" href="([^"]+)">/.exec(page)?.[1] as string;
      expect(href).to.match(/^\/assets\/linkwright\.css\?v=/);
      const css = await fetch(service.url + href);
      expect(css.status).to.equal(200);
      expect(css.headers.get('content-type')).to.match(/^text\/css/);
      expect(await css.text()).to.include('max-width: 28rem');
      const again = await fetch(service.url + href, { headers: { 'if-none-match': css.headers.get('etag') as string } });
      expect(again.status).to.equal(304);
    });

    it('accepts the request without scope (the client\'s registered scopes) and ignores unknown parameters', async () => {
      const response = await new Browser(service.url).get(`/oauth/authorize?${authorizeQuery({ scope: undefined, prompt: 'login', nonce: 'n' })}`);
      expect(response.status).to.equal(200);
    });

    it('escapes everything it echoes', async () => {
      const page = await errorPage(service, authorizeQuery({ redirect_uri: 'https://evil.example/<script>alert(1)</script>' }));
      expect(page).to.not.include('<script>');
      expect(page).to.include('https://evil.example/&lt;script&gt;alert(1)&lt;/script&gt;');
    });
  });

  describe('errors that must never redirect', () => {
    it('refuses an unknown client with a page naming what was received', async () => {
      const page = await errorPage(service, authorizeQuery({ client_id: 'someone-else' }));
      expect(page).to.include('The client_id is not registered with this service.');
      expect(page).to.include('someone-else');
      expect(page).to.include(TEST_CLIENT_ID); // development: the registered id is shown
    });

    it('refuses a missing client_id', async () => {
      expect(await errorPage(service, authorizeQuery({ client_id: undefined }))).to.include('The request has no client_id.');
    });

    it('refuses a redirect_uri that is not an exact registered match, showing both sides', async () => {
      for (const near of [`${ALEXA_REDIRECTS[0]}/`, ALEXA_REDIRECTS[0].toUpperCase(), ALEXA_REDIRECTS[0].replace('https:', 'http:'), `${ALEXA_REDIRECTS[0]}?x=1`, 'https://attacker.example/cb']) {
        const page = await errorPage(service, authorizeQuery({ redirect_uri: near }));
        expect(page).to.include('It must match one of them exactly');
        expect(page).to.include(`<dd><code>${near.replace(/&/g, '&amp;')}</code></dd>`);
        for (const registered of ALEXA_REDIRECTS) expect(page).to.include(registered);
      }
      const line = service.logs.events('authorize.refused').at(-1);
      expect(line).to.include({ parameter: 'redirect_uri', reason: 'redirect_uri not registered for client alexa-test-client', received: 'https://attacker.example/cb' });
      expect(line?.registered).to.deep.equal([...ALEXA_REDIRECTS]);
    });

    it('refuses a missing redirect_uri', async () => {
      expect(await errorPage(service, authorizeQuery({ redirect_uri: undefined }))).to.include('The request has no redirect_uri.');
    });

    it('refuses duplicated or oversized client_id and redirect_uri', async () => {
      expect(await errorPage(service, `${authorizeQuery()}&client_id=${TEST_CLIENT_ID}`)).to.include('The client_id parameter was sent more than once.');
      expect(await errorPage(service, `${authorizeQuery()}&redirect_uri=${encodeURIComponent(ALEXA_REDIRECTS[1])}`)).to.include('The redirect_uri parameter was sent more than once.');
      expect(await errorPage(service, authorizeQuery({ redirect_uri: `https://pitangui.amazon.com/${'a'.repeat(2100)}` }))).to.include('The redirect_uri parameter is longer than 2048 characters.');
      expect(await errorPage(service, authorizeQuery({ client_id: 'c'.repeat(300) }))).to.include('The client_id parameter is longer than 256 characters.');
    });

    it('speaks to the end user in production: no client id, redirect URI or setting name on the page, a support link', async () => {
      const { generateKeyPairSync } = await import('node:crypto');
      const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
      const production = await startTestService({
        env: {
          NODE_ENV: 'production',
          PUBLIC_URL: 'https://link.example',
          REDIS_URL: 'redis://unused',
          SIGNING_KEYS: pem,
          APP_LINKS_ENABLED: 'false',
          SKILL_ID: 'amzn1.ask.skill.11111111-2222-3333-4444-555555555555',
          BRAND_NAME: 'Ride Hailer',
          BRAND_SUPPORT_URL: 'https://help.ridehailer.example/linking',
        },
      });
      try {
        for (const query of [authorizeQuery({ redirect_uri: 'https://attacker.example/cb' }), authorizeQuery({ client_id: 'someone-else' })]) {
          const page = await errorPage(production, query);
          expect(page).to.include('This linking request is not set up correctly');
          expect(page).to.include('href="https://help.ridehailer.example/linking"');
          for (const developerDetail of ['https://attacker.example/cb', 'someone-else', ALEXA_REDIRECTS[0], TEST_CLIENT_ID, 'redirect_uri', 'client_id', 'OAUTH_', 'ALEXA_VENDOR_ID']) {
            expect(page, developerDetail).to.not.include(developerDetail);
          }
        }
        // Development keeps the diagnosable details.
        const developing = await errorPage(service, authorizeQuery({ redirect_uri: 'https://attacker.example/cb' }));
        expect(developing).to.include('https://attacker.example/cb');
        expect(developing).to.include(ALEXA_REDIRECTS[0]);
      } finally {
        await production.close();
      }
    });
  });

  describe('errors sent back to the redirect URI (RFC 6749 §4.1.2.1)', () => {
    it('answers an unsupported response_type with unsupported_response_type and the state', async () => {
      const location = await redirectedError(service, authorizeQuery({ response_type: 'token', state: 'keep me' }));
      expect(location.searchParams.get('error')).to.equal('unsupported_response_type');
      expect(location.searchParams.get('state')).to.equal('keep me');
      expect(location.searchParams.get('iss')).to.equal(service.services.settings.publicUrl);
      expect(location.searchParams.get('error_description')).to.include('use code');
    });

    it('answers a missing response_type with invalid_request', async () => {
      const location = await redirectedError(service, authorizeQuery({ response_type: undefined }));
      expect(location.searchParams.get('error')).to.equal('invalid_request');
      expect(location.searchParams.get('error_description')).to.equal('response_type is required (use code).');
    });

    it('answers an unknown scope with invalid_scope naming it', async () => {
      const location = await redirectedError(service, authorizeQuery({ scope: 'profile admin' }));
      expect(location.searchParams.get('error')).to.equal('invalid_scope');
      expect(location.searchParams.get('error_description')).to.include('Unknown scope: admin.');
    });

    it('refuses plain PKCE, a challenge without method, a method without challenge and a malformed challenge', async () => {
      const { challenge } = pkcePair();
      const cases: Array<[Record<string, string>, string]> = [
        [{ code_challenge: challenge, code_challenge_method: 'plain' }, 'code_challenge_method "plain" is not supported: use S256.'],
        [{ code_challenge: challenge }, 'code_challenge_method is required with code_challenge and must be S256 (plain is not supported).'],
        [{ code_challenge_method: 'S256' }, 'code_challenge is required with code_challenge_method.'],
        [{ code_challenge: 'too-short', code_challenge_method: 'S256' }, 'code_challenge must be the base64url SHA-256'],
        [{ code_challenge: `${challenge.slice(0, 42)}=`, code_challenge_method: 'S256' }, 'code_challenge must be the base64url SHA-256'],
      ];
      for (const [extra, description] of cases) {
        const location = await redirectedError(service, authorizeQuery(extra));
        expect(location.searchParams.get('error')).to.equal('invalid_request');
        expect(location.searchParams.get('error_description')).to.include(description);
        expect(location.searchParams.get('state')).to.equal('A2SAAEAEDaHR0cHM6Ly9hbGV4YS5hbWF6b24uY29t');
      }
    });

    it('refuses duplicated or oversized parameters with invalid_request', async () => {
      let location = await redirectedError(service, `${authorizeQuery()}&scope=profile`);
      expect(location.searchParams.get('error_description')).to.equal('The scope parameter was sent more than once.');
      location = await redirectedError(service, `${authorizeQuery()}&response_type=code`);
      expect(location.searchParams.get('error_description')).to.equal('The response_type parameter was sent more than once.');
      location = await redirectedError(service, authorizeQuery({ scope: 'profile '.repeat(200) }));
      expect(location.searchParams.get('error_description')).to.equal('The scope parameter is longer than 1024 characters.');
      location = await redirectedError(service, `${authorizeQuery()}&code_challenge=%E0%A4%A`);
      expect(location.searchParams.get('error_description')).to.equal('The code_challenge parameter is not valid percent-encoded UTF-8.');
    });

    it('leaves out a state it cannot echo faithfully (duplicated or oversized)', async () => {
      let location = await redirectedError(service, `${authorizeQuery({ state: 'one' })}&state=two`);
      expect(location.searchParams.get('error_description')).to.equal('The state parameter was sent more than once.');
      expect(location.searchParams.has('state')).to.equal(false);
      location = await redirectedError(service, authorizeQuery({ state: 's'.repeat(4097) }));
      expect(location.searchParams.get('error_description')).to.equal('The state parameter is longer than 4096 characters.');
      expect(location.searchParams.has('state')).to.equal(false);
    });

    it('requires PKCE when OAUTH_REQUIRE_PKCE is set', async () => {
      const strict = await startTestService({ env: { OAUTH_REQUIRE_PKCE: 'true' } });
      try {
        const location = await redirectedError(strict, authorizeQuery());
        expect(location.searchParams.get('error')).to.equal('invalid_request');
        expect(location.searchParams.get('error_description')).to.equal('PKCE is required: send code_challenge and code_challenge_method=S256.');
        const { challenge } = pkcePair();
        expect((await new Browser(strict.url).get(`/oauth/authorize?${authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' })}`)).status).to.equal(200);
      } finally {
        await strict.close();
      }
    });

    it('sends no iss when OAUTH_ISS_PARAMETER=false', async () => {
      const plain = await startTestService({ env: { OAUTH_ISS_PARAMETER: 'false' } });
      try {
        const location = await redirectedError(plain, authorizeQuery({ response_type: 'token' }));
        expect(location.searchParams.has('iss')).to.equal(false);
      } finally {
        await plain.close();
      }
    });

    it('logs each refusal with its reason', async () => {
      await redirectedError(service, authorizeQuery({ response_type: 'token' }));
      expect(service.logs.events('authorize.refused').at(-1)).to.include({ error: 'unsupported_response_type', reason: 'unsupported response_type token' });
    });
  });
});
