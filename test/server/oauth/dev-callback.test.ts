import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { Browser, createRider, formState, headings, signIn } from './flow-helpers';

const run = promisify(execFile);

/** Decodes the few entities the page escaper produces. */
function unescapeHtml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

describe('development callback page (GET /oauth/dev/callback)', () => {
  let service: TestService;
  afterEach(async () => service?.close());

  it('lets `npm start` alone walk the flow: start page → sign in → consent → a code and a curl command that redeems it', async () => {
    service = await startTestService({ env: { ALEXA_VENDOR_ID: '', OAUTH_CLIENT_SECRET: '' } });
    const settings = service.services.settings;
    expect(settings.oauth.devCallbackUri).to.equal(`${settings.publicUrl}/oauth/dev/callback`);
    expect(settings.oauth.redirectUris).to.deep.equal([settings.oauth.devCallbackUri]);
    await createRider(service);

    const browser = new Browser(service.url);
    const start = await browser.get('/oauth/dev/start');
    expect(start.status).to.equal(303);
    const login = await browser.get(start.headers.get('location') as string);
    const consent = await signIn(browser, formState(await login.text()));
    const answered = await browser.postForm('/oauth/consent', { ...consent, decision: 'allow' });
    const callback = await browser.get(answered.headers.get('location') as string);
    const page = await callback.text();
    expect(callback.status).to.equal(200);
    expect(headings(page)).to.deep.equal(['Authorization code received']);
    const curl = unescapeHtml(/<pre>([\s\S]*?)<\/pre>/.exec(page)?.[1] ?? '');
    expect(curl).to.include(`${settings.publicUrl}/oauth/token`);

    const { stdout } = await run('bash', ['-c', curl]);
    const tokens = JSON.parse(stdout) as { access_token: string; refresh_token: string };
    expect(service.services.accessTokens.verify(tokens.access_token).client_id).to.equal(settings.oauth.clientId);
  });

  it('shows an error answer (access_denied) and escapes it', async () => {
    service = await startTestService({ env: { ALEXA_VENDOR_ID: '' } });
    const page = await (await fetch(`${service.url}/oauth/dev/callback?error=access_denied&error_description=${encodeURIComponent('<b>no</b>')}&state=s1`)).text();
    expect(headings(page)).to.deep.equal(['Authorization refused']);
    expect(page).to.include('<code>access_denied</code>: &lt;b&gt;no&lt;/b&gt;');
  });

  it('keeps a configured client secret out of the page', async () => {
    service = await startTestService({ env: { ALEXA_VENDOR_ID: '' } });
    const page = await (await fetch(`${service.url}/oauth/dev/callback?code=abc&state=s`)).text();
    expect(page).to.not.include(service.services.settings.oauth.clientSecret);
    expect(unescapeHtml(page)).to.include(`'${service.services.settings.oauth.clientId}:'"$OAUTH_CLIENT_SECRET"`);
  });

  it('is neither registered nor served when redirect URIs are configured', async () => {
    service = await startTestService();
    expect(service.services.settings.oauth.devCallbackUri).to.equal(undefined);
    expect((await fetch(`${service.url}/oauth/dev/callback?code=abc`)).status).to.equal(404);
    expect((await fetch(`${service.url}/oauth/dev/start`)).status).to.equal(404);
  });
});
