import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { getManual, location, pkcePair, postForm, sharedCertificate } from './helpers';

const APP_RETURN = 'https://app.example.com/alexa/return';

describe('simulator: Alexa app consent (app-to-app from the skill’s app)', () => {
  let amazon: AmazonSimulator;

  beforeEach(async () => {
    amazon = await startAmazonSimulator({ clock: new ManualClock(), certificate: sharedCertificate(), lwaClient: { redirectUris: [APP_RETURN] }, users: [{ name: 'Alice' }, { name: 'Bob' }] });
  });
  afterEach(async () => amazon.close());

  it('serves the universal link path and redirects the consenting customer back with an Amazon code and the state', async () => {
    expect(new URL(amazon.env.ALEXA_APP_LINK_URL).pathname).to.equal('/spa/skill-account-linking-consent');
    const pkce = pkcePair();
    amazon.customers.signIn('Bob');
    const response = await getManual(amazon.appConsentUrl({ redirectUri: APP_RETURN, state: 'app-state', codeChallenge: pkce.challenge }));
    expect(response.status).to.equal(302);
    const back = location(response);
    expect(`${back.origin}${back.pathname}`).to.equal(APP_RETURN);
    expect(back.searchParams.get('state')).to.equal('app-state');
    const code = back.searchParams.get('code') ?? '';
    expect(code).to.match(/^AN/);

    // The code is an LWA code for the skill's Alexa client, bound to the PKCE challenge and to Bob.
    const tokens = await postForm(amazon.env.LWA_TOKEN_URL, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: APP_RETURN,
      client_id: amazon.lwaClient.id,
      client_secret: amazon.lwaClient.secret,
      code_verifier: pkce.verifier,
    });
    expect(tokens.status).to.equal(200);
    const { access_token: accessToken } = (await tokens.json()) as { access_token: string };
    const discovery = await fetch(`${amazon.env.ALEXA_API_URL}/v1/alexaApiEndpoint`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(discovery.status).to.equal(200);
    expect(amazon.lwa.verify(accessToken)).to.include({ customerId: amazon.customers.get('Bob').id, clientId: amazon.lwaClient.id });
  });

  it('redirects access_denied when the customer declines', async () => {
    amazon.customers.setDecision('deny');
    const back = location(await getManual(amazon.appConsentUrl({ redirectUri: APP_RETURN, state: 's' })));
    expect(back.searchParams.get('error')).to.equal('access_denied');
    expect(back.searchParams.get('state')).to.equal('s');
    expect(back.searchParams.get('code')).to.equal(null);
  });

  it('refuses another client id or an unregistered redirect URL with a page, not a redirect', async () => {
    const otherClient = new URL(amazon.appConsentUrl({ redirectUri: APP_RETURN, state: 's' }));
    otherClient.searchParams.set('client_id', 'amzn1.application-oa2-client.other');
    const refused = await getManual(otherClient.toString());
    expect(refused.status).to.equal(400);
    expect(refused.headers.get('location')).to.equal(null);
    const wrongRedirect = await getManual(amazon.appConsentUrl({ redirectUri: 'https://app.example.com/alexa/return/', state: 's' }));
    expect(wrongRedirect.status).to.equal(400);
    expect(wrongRedirect.headers.get('location')).to.equal(null);
  });

  it('requires the account-linking scope and a known skill stage', async () => {
    const noScope = new URL(amazon.appConsentUrl({ redirectUri: APP_RETURN, state: 's' }));
    noScope.searchParams.set('scope', 'profile');
    expect(location(await getManual(noScope.toString())).searchParams.get('error')).to.equal('invalid_scope');
    const stage = new URL(amazon.appConsentUrl({ redirectUri: APP_RETURN, state: 's' }));
    stage.searchParams.set('skill_stage', 'beta');
    const back = location(await getManual(stage.toString()));
    expect(back.searchParams.get('error')).to.equal('invalid_request');
    expect(back.searchParams.get('code')).to.equal(null);
  });
});
