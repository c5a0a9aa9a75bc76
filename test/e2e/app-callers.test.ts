import { expect } from 'chai';
import { clientsFileEnv, secretHash, writeClientsFile } from '../support/clients-file';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_VENDOR_ID } from '../support/settings';
import { answerConsent, authorizeQuery, Browser, openAuthorize, pkcePair, signIn } from '../server/oauth/flow-helpers';
import { createRider, PASSWORD, type Rider, startServiceLinkingWorld, type World } from './support';

const APP_ID = 'rides-app';
const APP_REDIRECT = 'com.example.rides:/oauth/callback';
const BACKEND = { id: 'rides-backend', secret: 'backend-secret-0123456789abcdefghijk' };

/** The deployment's CLIENTS_FILE: the simulator's Alexa skill, the company's app, the company's backend. */
function clients(webRedirect: string): string {
  return writeClientsFile([
    { client_id: TEST_CLIENT_ID, client_name: 'Alexa', client_secret: TEST_CLIENT_SECRET, alexa_vendor_id: TEST_VENDOR_ID, redirect_uris: [webRedirect], scope: 'profile' },
    { client_id: APP_ID, client_name: 'Ride Hailer app', token_endpoint_auth_method: 'none', redirect_uris: [APP_REDIRECT], scope: 'profile' },
    { client_id: BACKEND.id, client_secret_hash: secretHash(BACKEND.secret), grant_types: ['client_credentials'], scope: 'app_links' },
  ]);
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function form(world: World, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${world.service.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function api(world: World, method: string, path: string, token: string, headers: Record<string, string> = {}, body?: unknown): Promise<Answer> {
  const response = await fetch(`${world.service.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The from-your-app flow for whoever `headers` and `token` name: start, the (simulated) Alexa app's consent, complete. */
async function linkFromApp(world: World, customer: string, token: string, headers: Record<string, string> = {}): Promise<Answer> {
  // The Amazon customer signed in to the (simulated) Alexa app on this phone.
  world.amazon.customers.signIn(customer);
  const started = await api(world, 'POST', '/app-links/start', token, headers);
  expect(started.status, JSON.stringify(started.body)).to.equal(200);
  const consent = await fetch(started.body.alexaAppUrl as string, { redirect: 'manual' });
  expect(consent.status).to.equal(302);
  const back = new URL(consent.headers.get('location') as string);
  return api(world, 'POST', '/app-links/complete', token, headers, { code: back.searchParams.get('code'), state: back.searchParams.get('state') });
}

/**
 * App-to-app from each of the company's setups, with the Amazon simulator and a CLIENTS_FILE: the app
 * signs its user in through the system browser as a public client and links with its own token; the
 * company's backend links another user with a service token naming them; unlinking and disabling the
 * skill end Alexa's grants only, and the app stays signed in.
 */
describe('e2e: app-links callers from a CLIENTS_FILE deployment (app client, backend service client)', function () {
  this.timeout(60_000);
  let world: World;
  let ann: Rider;
  let cid: Rider;
  let app: { access: string; refresh: string };

  before(async () => {
    world = await startServiceLinkingWorld([{ name: 'Ann' }, { name: 'Cid' }], (amazonEnv) => clientsFileEnv(clients(amazonEnv.OAUTH_REDIRECT_URIS)));
    ann = await createRider(world, 'Ann', 'ann@example.com', 'Ann Rider');
    cid = await createRider(world, 'Cid', 'cid@example.com', 'Cid Rider');
  });
  after(async () => world?.close());

  it('the app signs Ann in through the browser: authorization code + PKCE, redeemed with client_id alone', async () => {
    const browser = new Browser(world.service.url);
    const pkce = pkcePair();
    const login = await openAuthorize(browser, authorizeQuery({ client_id: APP_ID, redirect_uri: APP_REDIRECT, state: 'app-state', code_challenge: pkce.challenge, code_challenge_method: 'S256' }));
    expect(login.page).to.include('Ride Hailer app');
    const consent = await signIn(browser, login, ann.username, PASSWORD);
    const back = await answerConsent(browser, consent, 'allow');
    expect(back.href.startsWith(`${APP_REDIRECT}?`)).to.equal(true);
    const tokens = await form(world, { grant_type: 'authorization_code', code: back.searchParams.get('code') as string, redirect_uri: APP_REDIRECT, client_id: APP_ID, code_verifier: pkce.verifier });
    expect(tokens.status, JSON.stringify(tokens.body)).to.equal(200);
    app = { access: tokens.body.access_token as string, refresh: tokens.body.refresh_token as string };
    expect(world.service.services.accessTokens.verify(app.access)).to.include({ sub: ann.userId, client_id: APP_ID });
  });

  it('the app links Ann from the app with its own token; the skill then knows her', async () => {
    const done = await linkFromApp(world, 'Ann', app.access);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    expect(done.body).to.include({ linked: true });
    const alexa = world.amazon.linkStatus('Ann')?.link;
    expect(world.service.services.accessTokens.verify(alexa?.accessToken as string)).to.include({ sub: ann.userId, client_id: TEST_CLIENT_ID });
    // Alexa's token is Alexa's: it is not an app session.
    expect((await api(world, 'GET', '/app-links/status', alexa?.accessToken as string)).status).to.equal(401);
    expect((await world.amazon.voice('Ann').launch()).speech).to.match(/^Welcome back to Ride Hailer, Ann Rider\./);
  });

  it('unlinking from the app ends Alexa\'s grant only: the app stays signed in and keeps refreshing', async () => {
    const held = world.amazon.linkStatus('Ann')?.link;
    const unlinked = await api(world, 'DELETE', '/app-links/link', app.access);
    expect(unlinked.body).to.deep.equal({ linked: false, amazonDisabled: true, revokedGrants: 1 });
    await world.amazon.settled();
    expect((await world.amazon.tokenClient.refresh(held?.refreshToken as string)).ok).to.equal(false);

    const status = await api(world, 'GET', '/app-links/status', app.access);
    expect(status.status).to.equal(200);
    expect(status.body).to.include({ linked: false, reason: 'not_linked_from_app' });
    const refreshed = await form(world, { grant_type: 'refresh_token', refresh_token: app.refresh, client_id: APP_ID });
    expect(refreshed.status, JSON.stringify(refreshed.body)).to.equal(200);
    app = { access: refreshed.body.access_token as string, refresh: refreshed.body.refresh_token as string };
    expect((await api(world, 'GET', '/app-links/status', app.access)).status).to.equal(200);
  });

  it('the backend links Cid with a service token naming him in Linkwright-User', async () => {
    const basic = `Basic ${Buffer.from(`${BACKEND.id}:${BACKEND.secret}`).toString('base64')}`;
    const issued = await form(world, { grant_type: 'client_credentials', scope: 'app_links' }, { authorization: basic });
    expect(issued.status, JSON.stringify(issued.body)).to.equal(200);
    expect(issued.body).to.not.have.property('refresh_token');
    const token = issued.body.access_token as string;
    const forCid = { 'Linkwright-User': cid.username };

    const done = await linkFromApp(world, 'Cid', token, forCid);
    expect(done.status, JSON.stringify(done.body)).to.equal(200);
    const alexa = world.amazon.linkStatus('Cid')?.link;
    expect(world.service.services.accessTokens.verify(alexa?.accessToken as string).sub).to.equal(cid.userId);
    expect((await api(world, 'GET', '/app-links/status', token, forCid)).body).to.include({ linked: true, accountLinkStatus: 'LINKED' });
    // The same token for Ann sees Ann's (unlinked) state, not Cid's.
    expect((await api(world, 'GET', '/app-links/status', token, { 'Linkwright-User': ann.username })).body).to.include({ linked: false });
    // A service token never acts through the skill.
    const launch = await world.amazon.voice('Cid').launch();
    const withService = await world.amazon.voice('Cid').send({ ...launch.request, context: { ...launch.request.context, System: { ...launch.request.context.System, user: { ...launch.request.context.System.user, accessToken: token } } } });
    expect(withService.speech).to.match(/^Welcome to Ride Hailer\./);
  });

  it('SkillDisabled revokes the Alexa grants only: Ann\'s app session survives', async () => {
    // Ann links again (from the app), then disables the skill in the Alexa app.
    expect((await linkFromApp(world, 'Ann', app.access)).status).to.equal(200);
    await world.amazon.voice('Ann').skillDisabled();
    expect(world.service.logs.events('skill.disabled').at(-1)).to.deep.include({ userId: ann.userId, grants: 1 });
    expect((await api(world, 'GET', '/app-links/status', app.access)).status).to.equal(200);
    expect((await form(world, { grant_type: 'refresh_token', refresh_token: app.refresh, client_id: APP_ID })).status).to.equal(200);
  });
});
