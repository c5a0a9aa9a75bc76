import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import type { TestService } from '../support/service';
import { TEST_CLIENT_ID } from '../support/settings';
import { ALEXA_REDIRECTS, startAppLinksService } from './support';

describe('app-to-app pages in production speak to the end user', function () {
  this.timeout(20_000);
  let service: TestService;
  before(async () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    service = await startAppLinksService({
      env: {
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://link.ridehailer.example',
        REDIS_URL: 'redis://unused',
        SIGNING_KEYS: pem,
        BRAND_NAME: 'Ride Hailer',
        BRAND_SUPPORT_URL: 'https://help.ridehailer.example/alexa',
        APP_IOS_APP_IDS: 'ABCDE12345.com.example.linkwright',
      },
    });
  });
  after(async () => service?.close());

  it('an unregistered redirect URI: what to do and the support link, no URI, client id or setting on the page (they are in the log)', async () => {
    const query = new URLSearchParams({ response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: 'https://evil.example/callback', scope: 'profile', state: 's' });
    const response = await fetch(`${service.url}/app-links/authorize?${query.toString()}`);
    const page = await response.text();
    expect(response.status).to.equal(400);
    expect(page).to.include('This linking request is not set up correctly, so it was stopped for your safety.');
    expect(page).to.include('href="https://help.ridehailer.example/alexa"');
    for (const detail of ['evil.example', ALEXA_REDIRECTS[0], TEST_CLIENT_ID, 'redirect_uri', 'data-testid="detail"']) expect(page, detail).to.not.include(detail);
    expect(service.logs.events('app_links.authorize_refused').at(-1)).to.include({ parameter: 'redirect_uri' });
  });

  it('a refused return link: the plain-words message and the stable code, without the developer description', async () => {
    const response = await fetch(`${service.url}/app-links/return?code=abc&state=${'Q'.repeat(43)}`);
    const page = await response.text();
    expect(response.status).to.equal(400);
    expect(page).to.include('<p class="error" role="alert">Start linking again from the app.</p>');
    expect(page).to.include('data-testid="code">state_invalid<');
    expect(page).to.not.include('data-testid="detail"');
  });
});
