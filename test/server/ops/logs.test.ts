import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger, REDACTED_KEYS } from '../../../server/log';
import { intentRequest, postToSkill } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';
import {
  ALEXA_API,
  AMAZON_TOKENS,
  callApi,
  ENABLED,
  ENCRYPTION_KEY,
  isolateNetwork,
  LWA_CLIENT_SECRET,
  mockDiscovery,
  mockEnable,
  mockLwaToken,
  SKILL_ID,
  signedInUser,
  startAppLinksService,
  startAttempt,
} from '../../app-links/support';
import { ALEXA_REDIRECTS, answerConsent, authorizeQuery, Browser, createRider, hiddenField, openAuthorize, PASSWORD, pkcePair, postToken, signIn } from '../oauth/flow-helpers';
import { ADMIN, METRICS_TOKEN, OPS_ENV, scrapeMetrics } from './helpers';

/** A stream that keeps each written chunk. */
function capture(lines: string[]): Writable {
  return new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      lines.push(chunk.toString());
      done();
    },
  });
}

describe('the logger', () => {
  it('blanks secrets wherever a call site puts them, by its own configuration', () => {
    const lines: string[] = [];
    const log = createLogger('info', capture(lines));
    log.info({
      event: 'test',
      password: 'p1',
      client_secret: 'p2',
      code: 'p3',
      refresh_token: 'p4',
      nested: { access_token: 'p5', codeVerifier: 'p6', apiAccessToken: 'p7', authorization: 'p8', cookie: 'p9' },
      headers: { authorization: 'Basic p10', cookie: 'p11', 'set-cookie': ['p12'] },
    });
    const line = JSON.parse(lines.join('')) as Record<string, unknown>;
    expect(JSON.stringify(line)).not.to.match(/p\d/);
    expect(line.password).to.equal('[redacted]');
    expect((line.nested as Record<string, unknown>).apiAccessToken).to.equal('[redacted]');
    expect([...REDACTED_KEYS]).to.include.members(['code', 'refresh_token', 'authorization', 'cookie']);
  });

  it('keeps the error codes the service answers with under `code`, and blanks any other code', () => {
    const lines: string[] = [];
    const log = createLogger('info', capture(lines));
    for (const code of ['invalid_grant', 'state_expired', 'amazon_code_rejected', 'SplxlOBeZQQYbYS6WxSbIA', 'abcdefghijklmnopqrstuvwxyz_abcdefghijklmno', 'constructor']) log.info({ event: 'test', code });
    expect(lines.map((line) => (JSON.parse(line) as { code: string }).code)).to.deep.equal(['invalid_grant', 'state_expired', 'amazon_code_rejected', '[redacted]', '[redacted]', '[redacted]']);
  });
});

describe('no log line of a full run holds a secret, and request lines carry their request id', () => {
  isolateNetwork();
  let service: TestService;
  const secrets = new Map<string, string>();
  const keep = (label: string, value: string | null | undefined) => {
    expect(value, label).to.be.a('string').with.length.greaterThan(5);
    secrets.set(label, value as string);
  };

  before(async () => {
    service = await startAppLinksService({ env: { ...OPS_ENV, SKILL_VERIFY_SIGNATURE: 'false' } });
    await createRider(service);
    for (const [label, value] of Object.entries({ TEST_CLIENT_SECRET, LWA_CLIENT_SECRET, ENCRYPTION_KEY, METRICS_TOKEN, ADMIN_PASSWORD: ADMIN.password, PASSWORD })) keep(label, value);
    keep('amazon access token', AMAZON_TOKENS.access_token);
    keep('amazon refresh token', AMAZON_TOKENS.refresh_token);
  });
  after(async () => service?.close());

  it('drives web linking, refresh, revocation, refusals, the skill, app-to-app linking and the operator pages', async () => {
    // Web linking as Alexa does it, with PKCE, and a wrong password first.
    const browser = new Browser(service.url);
    const { verifier, challenge } = pkcePair();
    keep('code_verifier', verifier);
    const login = await openAuthorize(browser, authorizeQuery({ code_challenge: challenge, code_challenge_method: 'S256' }));
    keep('interaction', login.interaction);
    keep('login csrf', login.csrf);
    for (const value of browser.cookies.values()) keep('browser cookie', value);
    const wrong = await browser.postForm('/oauth/login', { ...login, username: 'rider@example.com', password: 'a-wrong-password-attempt' });
    expect(wrong.status).to.equal(400);
    keep('wrong password', 'a-wrong-password-attempt');
    const consent = await signIn(browser, login);
    keep('consent csrf', consent.csrf);
    const redirect = await answerConsent(browser, consent, 'allow');
    keep('code', redirect.searchParams.get('code'));
    keep('state', redirect.searchParams.get('state'));

    const refusedSecret = await postToken(service, { grant_type: 'authorization_code', code: secrets.get('code'), redirect_uri: ALEXA_REDIRECTS[0] }, 'body', '/oauth/token', { id: TEST_CLIENT_ID, secret: 'not-the-client-secret-42' });
    expect(refusedSecret.status).to.equal(401);
    keep('wrong client secret', 'not-the-client-secret-42');
    const tokens = await postToken(service, { grant_type: 'authorization_code', code: secrets.get('code'), redirect_uri: ALEXA_REDIRECTS[0], code_verifier: verifier });
    expect(tokens.status, tokens.text).to.equal(200);
    keep('access token', tokens.body.access_token as string);
    keep('refresh token', tokens.body.refresh_token as string);
    const replay = await postToken(service, { grant_type: 'authorization_code', code: secrets.get('code'), redirect_uri: ALEXA_REDIRECTS[0], code_verifier: verifier });
    expect(replay.status).to.equal(400);

    const second = await openAuthorize(new Browser(service.url), authorizeQuery());
    expect(second.interaction).to.be.a('string');
    const fresh = await postToken(service, { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token as string });
    // The replay above revoked the grant, so this refresh is refused too (and logged).
    expect(fresh.status).to.equal(400);

    // The skill with a revoked token, then with a fresh one.
    const rider = await signedInUser(service);
    keep('app bearer', rider.token);
    const skillToken = service.services.accessTokens.sign({ userId: rider.userId, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: (await service.services.refreshTokens.issue({ userId: rider.userId, clientId: TEST_CLIENT_ID, scope: 'profile' })).family.id }).token;
    keep('skill access token', skillToken);
    for (const accessToken of [tokens.body.access_token as string, skillToken]) {
      const answer = await postToSkill(service.url, intentRequest('OrderRideIntent', { destination: 'the station' }, { clock: service.clock, accessToken, applicationId: SKILL_ID }));
      expect(answer.status).to.equal(200);
    }

    // App-to-app linking: start, complete (Alexa redeems our code), status, unlink; and a refused bearer.
    const attempt = await startAttempt(service, rider.token);
    keep('app-links state', attempt.state);
    mockLwaToken([]);
    mockDiscovery([]);
    mockEnable(ALEXA_API, async (body) => {
      keep('code for Alexa', body.accountLinkRequest.authCode);
      const issued = await postToken(service, { grant_type: 'authorization_code', code: body.accountLinkRequest.authCode, redirect_uri: body.accountLinkRequest.redirectUri });
      keep('refresh token from enablement', issued.body.refresh_token as string);
      return [201, ENABLED];
    });
    keep('amazon code', 'ANdNAVhyhqirUelHGEHA');
    expect((await callApi(service, 'POST', '/app-links/complete', rider.token, { code: 'ANdNAVhyhqirUelHGEHA', state: attempt.state })).status).to.equal(200);
    expect((await callApi(service, 'GET', '/app-links/status', 'not-a-valid-bearer-token-at-all')).status).to.equal(401);
    keep('bad bearer', 'not-a-valid-bearer-token-at-all');

    // The operator: a wrong password, then signing in, the overview, a user lookup and the metrics.
    const ops = new Browser(service.url);
    const form = await (await ops.get('/ops/login')).text();
    const loginCsrf = hiddenField(form, 'csrf');
    keep('ops login csrf', loginCsrf);
    expect((await ops.postForm('/ops/login', { csrf: loginCsrf, username: ADMIN.username, password: 'wrong-operator-password' })).status).to.equal(401);
    keep('wrong operator password', 'wrong-operator-password');
    expect((await ops.postForm('/ops/login', { csrf: loginCsrf, username: ADMIN.username, password: ADMIN.password })).status).to.equal(303);
    for (const [name, value] of ops.cookies) if (name.includes('ops') && !name.includes('csrf')) keep('ops session', value);
    const overview = await (await ops.get('/ops')).text();
    keep('ops csrf', hiddenField(overview, 'csrf'));
    expect((await ops.get(`/ops/users?q=${encodeURIComponent('rider@example.com')}`)).status).to.equal(200);
    await scrapeMetrics(service);

    const raw = service.logs.raw;
    expect(raw.length).to.be.greaterThan(40);
    for (const [label, secret] of secrets) {
      const leaking = raw.find((line) => line.includes(secret));
      expect(leaking, `the ${label} appears in a log line: ${leaking}`).to.equal(undefined);
    }
  });

  it('stamps every line logged while answering a request with its id', () => {
    const requestLines = service.logs.events('http.request');
    expect(requestLines.length).to.be.greaterThan(20);
    for (const line of requestLines) expect(line.reqId, JSON.stringify(line)).to.be.a('string');
    const requestScoped = /^(token|authorize|login|consent|skill\.(request|token_not_linked|link_required)|ops\.(login|grants|csrf)|metrics|http)\./;
    const scoped = service.logs.lines.filter((line) => typeof line.event === 'string' && requestScoped.test(line.event));
    expect(scoped.length).to.be.greaterThan(requestLines.length);
    for (const line of scoped) expect(line.reqId, JSON.stringify(line)).to.be.a('string');
    // Each failure line says which step failed and why, in words.
    for (const line of service.logs.events('token.refused')) {
      expect(line).to.have.property('step', 'token');
      expect(line.reason).to.be.a('string');
      expect(line.advice).to.be.a('string');
    }
  });
});
