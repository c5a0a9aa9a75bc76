import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { authorizeQuery, Browser, postToken } from './flow-helpers';

// A busy deployment runs at LOG_LEVEL=warn; the lines that explain why a link failed must still be there.
describe('linking refusals at LOG_LEVEL=warn', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService({ logLevel: 'warn' });
  });
  after(async () => service?.close());

  it('logs a refused token request', async () => {
    const refused = await postToken(service, { grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: 'https://pitangui.amazon.com/x' });
    expect(refused.status).to.equal(400);
    const lines = service.logs.events('token.refused');
    expect(lines, service.logs.raw.join('\n')).to.have.length(1);
    expect(lines[0]).to.include({ error: 'invalid_grant', level: 40 });
  });

  it('logs a refused authorization request, redirected or not', async () => {
    const browser = new Browser(service.url);
    const notRedirected = await browser.get(`/oauth/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`);
    expect(notRedirected.status).to.equal(400);
    const redirected = await browser.get(`/oauth/authorize?${authorizeQuery({ response_type: 'token' })}`);
    expect(redirected.status).to.equal(303);
    const lines = service.logs.events('authorize.refused');
    expect(lines.map((line) => line.level)).to.deep.equal([40, 40]);
  });

  it('logs a refused app-to-app authorization (the Alexa app\'s flow, browser fallback)', async () => {
    const response = await fetch(`${service.url}/app-links/authorize?${authorizeQuery({ redirect_uri: 'https://evil.example/cb' })}`);
    expect(response.status).to.equal(400);
    const lines = service.logs.events('app_links.authorize_refused');
    expect(lines.map((line) => line.level)).to.deep.equal([40]);
  });
});
