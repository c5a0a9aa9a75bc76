import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { getManual, location, sharedCertificate } from './helpers';

describe('simulator: web linking (Alexa as the OAuth client)', () => {
  let amazon: AmazonSimulator;

  beforeEach(async () => {
    // Linking through the simulator's own Login with Amazon gives a real authorization server to link against.
    amazon = await startAmazonSimulator({
      clock: new ManualClock(),
      certificate: sharedCertificate(),
      accountLinking: 'lwa',
      service: { vendorId: 'M2WEB', name: 'Ride Hailer' },
      users: [{ name: 'Alice' }, { name: 'Bob' }],
    });
  });
  afterEach(async () => amazon.close());

  it('builds the authorization URL Alexa opens: client, code flow, scopes, its redirect path, state and S256 PKCE', () => {
    const url = new URL(amazon.web.authorizeUrl({ state: 'fixed-state' }));
    expect(`${url.origin}${url.pathname}`).to.equal(amazon.skill.authorizeUrl);
    expect(Object.fromEntries(url.searchParams)).to.include({
      client_id: amazon.skill.clientId,
      response_type: 'code',
      scope: 'profile',
      redirect_uri: `${amazon.baseUrl}/api/skill/link/M2WEB`,
      state: 'fixed-state',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(new URL(amazon.web.authorizeUrl({ pkce: false })).searchParams.has('code_challenge')).to.equal(false);
    expect(() => amazon.web.authorizeUrl({ state: 'fixed-state' })).to.throw('already waiting');
  });

  it('completes from a Location header on any host (pitangui in production), for the customer who started', async () => {
    const started = amazon.web.authorizeUrl({ customer: 'Bob' });
    amazon.customers.signIn('Bob');
    const back = location(await getManual(started));
    const elsewhere = `https://pitangui.amazon.com/api/skill/link/M2WEB${back.search}`;
    const result = await amazon.web.complete(elsewhere);
    expect(result).to.deep.include({ linked: true, reason: undefined });
    expect(result.customer?.name).to.equal('Bob');
    expect(amazon.linkStatus('Bob')?.link?.via).to.equal('web');
    expect(amazon.linkStatus('Alice')).to.equal(undefined);
  });

  it('accepts each state once: a replayed redirect fails and changes nothing', async () => {
    const back = location(await getManual(amazon.web.authorizeUrl()));
    expect((await fetch(back)).status).to.equal(200);
    const before = amazon.linkStatus('Alice')?.link?.accessToken;
    const replay = await fetch(back);
    expect(replay.status).to.equal(400);
    expect(await replay.text()).to.contain('We were unable to link Ride Hailer at this time.');
    expect(amazon.linkStatus('Alice')?.link?.accessToken).to.equal(before);
    expect(amazon.events.find({ to: 'pitangui.amazon.com' })[1]?.note).to.contain('state is missing, unknown or already used');
  });

  it('fails with Alexa’s page for an error redirect, a missing code, a forged state, or another vendor id', async () => {
    const denied = amazon.web.authorizeUrl();
    amazon.customers.setDecision('deny');
    const back = location(await getManual(denied));
    const deniedPage = await fetch(back);
    expect(deniedPage.status).to.equal(400);
    expect(amazon.events.find({ to: 'pitangui.amazon.com' })[0]?.note).to.contain('error=access_denied');

    const state = new URL(amazon.web.authorizeUrl()).searchParams.get('state') ?? '';
    expect((await fetch(`${amazon.web.redirectUri}?state=${state}`)).status).to.equal(400);
    expect((await amazon.web.complete(`${amazon.web.redirectUri}?state=forged&code=ANxyz`)).reason).to.equal('the state is missing, unknown or already used');
    const vendor = await fetch(`${amazon.baseUrl}/api/skill/link/M2OTHER?state=s&code=c`);
    expect(vendor.status).to.equal(404);
    expect(amazon.linkStatus('Alice')).to.equal(undefined);
  });

  it('reports the token endpoint’s refusal', async () => {
    const back = location(await getManual(amazon.web.authorizeUrl()));
    amazon.connectService({ clientSecret: 'wrong-secret' });
    const result = await amazon.web.complete(back.toString());
    expect(result.linked).to.equal(false);
    expect(result.reason).to.equal('the token endpoint refused: invalid_client: Client authentication failed.');
  });

  it('offers a start link for people at a browser', async () => {
    const response = await getManual(`${amazon.baseUrl}/_simulator/link-account`);
    expect(response.status).to.equal(302);
    const next = await getManual(location(response).toString());
    const page = await fetch(location(next));
    expect(await page.text()).to.contain('Your Ride Hailer account has been successfully linked.');
  });
});
