import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import nock from 'nock';
import { intentRequest, postToSkill, speechOf } from '../../support/alexa-requests';
import { allowOnlyLoopback, restoreNetwork } from '../../support/alexa-signing';
import type { TestService } from '../../support/service';
import { startSkillService } from './skill-test-kit';

const IDP = 'https://tenant.idp.example';
const ISSUER = `${IDP}/`; // Auth0-style issuer with its trailing slash
const AUDIENCE = 'https://rides.example.com/api';

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  jwk: Record<string, unknown>;
  alg: 'RS256' | 'ES256';
}

function rsaKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }, alg: 'RS256' };
}

function ecKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { kid, privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig' }, alg: 'ES256' };
}

describe('skill: linking with an OpenID Connect provider', function () {
  this.timeout(20_000);
  let service: TestService;
  let rsa: SigningKey;
  let ec: SigningKey;
  let rotated: SigningKey;

  before(() => {
    rsa = rsaKey('key-2024');
    ec = ecKey('key-ec');
    rotated = rsaKey('key-2025');
  });

  async function start(env: Record<string, string> = {}): Promise<void> {
    service = await startSkillService({
      SKILL_LINKING_PROVIDER: 'oidc',
      OIDC_ISSUER: ISSUER,
      OIDC_JWKS_URL: `${IDP}/.well-known/jwks.json`,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_TIMEOUT_MS: '300',
      ...env,
    });
  }

  beforeEach(allowOnlyLoopback);
  afterEach(async () => {
    await service?.close();
    restoreNetwork();
  });

  function token(key: SigningKey, claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}): string {
    const now = Math.floor(service.clock.now() / 1000);
    return jwt.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'auth0|rider-42', iat: now, exp: now + 3600, name: 'Alex Chen', ...claims }, key.privateKey, {
      algorithm: key.alg,
      keyid: key.kid,
      ...options,
    });
  }

  function serveJwks(...keys: SigningKey[]): nock.Scope {
    return nock(IDP).get('/.well-known/jwks.json').reply(200, { keys: keys.map((key) => key.jwk) });
  }

  function orderRide(accessToken: string) {
    return postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken }));
  }

  function expectNotLinked(answer: Awaited<ReturnType<typeof orderRide>>, reason: RegExp): void {
    expect(answer.status).to.equal(200);
    expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(service.logs.events('skill.token_not_linked').at(-1)?.reason).to.match(reason);
  }

  it('verifies the JWT against the JWKS and links the subject to a local account (RS256 and ES256)', async () => {
    await start();
    const scope = serveJwks(rsa, ec);
    expect(speechOf(await orderRide(token(rsa)))).to.match(/^Okay Alex Chen, your ride is booked/);
    expect(speechOf(await orderRide(token(ec, { name: 'Alex C' })))).to.match(/^Okay Alex Chen/);
    expect(scope.isDone()).to.equal(true);
    const account = await service.services.accounts.findOrCreateExternal('oidc:tenant.idp.example', 'auth0|rider-42', {});
    expect(account.displayName).to.equal('Alex Chen');
  });

  it('refuses tokens with the wrong audience or issuer, expired ones, and unsigned or HS256 ones', async () => {
    await start();
    serveJwks(rsa);
    expectNotLinked(await orderRide(token(rsa, { aud: 'https://another.api' })), /jwt audience invalid/);
    expectNotLinked(await orderRide(token(rsa, { iss: IDP })), /jwt issuer invalid/);
    const now = Math.floor(service.clock.now() / 1000);
    expectNotLinked(await orderRide(token(rsa, { iat: now - 7200, exp: now - 60 })), /jwt expired/);
    const [, payload] = token(rsa).split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: rsa.kid })).toString('base64url')}.${payload}.`;
    expectNotLinked(await orderRide(unsigned), /algorithm none is not accepted/);
    const hmac = jwt.sign({ iss: ISSUER, aud: AUDIENCE, sub: 'x' }, 'secret', { algorithm: 'HS256', keyid: rsa.kid });
    expectNotLinked(await orderRide(hmac), /algorithm HS256 is not accepted/);
    expectNotLinked(await orderRide('garbage'), /not a JWT/);
  });

  it('refuses a token whose algorithm does not fit its key (RS256 header on the EC key)', async () => {
    await start({ OIDC_ALGORITHMS: 'RS256,ES256' });
    serveJwks(rsa, ec);
    const forged = token(rsa, {}, { keyid: ec.kid });
    expectNotLinked(await orderRide(forged), /invalid algorithm|invalid signature/);
  });

  it('fetches the JWKS again when a token names an unknown kid (key rotation)', async () => {
    await start();
    serveJwks(rsa);
    expect(speechOf(await orderRide(token(rsa)))).to.match(/^Okay Alex Chen/);
    service.clock.advance(31_000);
    const refreshed = serveJwks(rsa, rotated);
    expect(speechOf(await orderRide(token(rotated)))).to.match(/^Okay Alex Chen/);
    expect(refreshed.isDone()).to.equal(true);
  });

  it('rate-limits refreshes caused by unknown kids (OIDC_JWKS_MIN_REFRESH_SEC)', async () => {
    await start();
    let downloads = 0;
    nock(IDP)
      .get('/.well-known/jwks.json')
      .times(5)
      .reply(200, () => {
        downloads += 1;
        return { keys: [rsa.jwk] };
      });
    const stranger = rsaKey('forged-kid');
    for (let attempt = 0; attempt < 4; attempt += 1) expectNotLinked(await orderRide(token(stranger)), /no JWKS key for kid forged-kid/);
    // The first use downloads; one unknown-kid refresh is allowed per 30 s, so the other attempts ask nobody.
    expect(downloads).to.equal(1);
    service.clock.advance(30_000);
    expectNotLinked(await orderRide(token(stranger)), /no JWKS key/);
    expect(downloads).to.equal(2);
  });

  it('stops trusting a key the provider removed, once the key set is older than OIDC_JWKS_MAX_AGE_SEC', async () => {
    await start({ OIDC_JWKS_MAX_AGE_SEC: '600' });
    serveJwks(rsa);
    const early = token(rsa, { exp: Math.floor(service.clock.now() / 1000) + 7200 });
    expect(speechOf(await orderRide(early))).to.match(/^Okay/);
    service.clock.advance(601_000);
    serveJwks(rotated);
    const later = token(rsa, { sub: 'auth0|another-rider' });
    expectNotLinked(await orderRide(later), /no JWKS key for kid key-2024/);
  });

  it('takes name and e-mail from the userinfo endpoint when configured', async () => {
    await start({ OIDC_USERINFO_URL: `${IDP}/userinfo` });
    serveJwks(rsa);
    const access = token(rsa, { name: undefined });
    nock(IDP).get('/userinfo').matchHeader('authorization', `Bearer ${access}`).reply(200, { sub: 'auth0|rider-42', name: 'Alexandra Chen', email: 'alex@example.com' });
    expect(speechOf(await orderRide(access))).to.match(/^Okay Alexandra Chen/);
  });

  it('refuses userinfo answers for another subject', async () => {
    await start({ OIDC_USERINFO_URL: `${IDP}/userinfo` });
    serveJwks(rsa);
    nock(IDP).get('/userinfo').reply(200, { sub: 'auth0|somebody-else', name: 'Mallory' });
    expectNotLinked(await orderRide(token(rsa)), /userinfo subject differs/);
  });

  it('treats userinfo refusing the API-audience token (401, 403) as no profile: the user is linked, named from the token', async () => {
    await start({ OIDC_USERINFO_URL: `${IDP}/userinfo` });
    serveJwks(rsa);
    nock(IDP).get('/userinfo').reply(401, { error: 'invalid_token' });
    expect(speechOf(await orderRide(token(rsa)))).to.match(/^Okay Alex Chen/);
    nock(IDP).get('/userinfo').reply(403, { error: 'insufficient_scope' });
    expect(speechOf(await orderRide(token(rsa, { jti: 'second', name: undefined })))).to.match(/^Okay/);
    expect(service.logs.events('skill.token_not_linked')).to.deep.equal([]);
  });

  it('apologises when userinfo answers a server error', async () => {
    await start({ OIDC_USERINFO_URL: `${IDP}/userinfo` });
    serveJwks(rsa);
    nock(IDP).get('/userinfo').reply(502, 'bad gateway');
    expect(speechOf(await orderRide(token(rsa)))).to.match(/^Sorry, Ride Hailer is having trouble/);
  });

  it('apologises when the JWKS cannot be downloaded and no key is held', async () => {
    await start();
    nock(IDP).get('/.well-known/jwks.json').reply(500, 'oops');
    const answer = await orderRide(token(rsa));
    expect(speechOf(answer)).to.match(/^Sorry, Ride Hailer is having trouble/);
    expect(service.logs.events('skill.failed').at(-1)?.reason).to.match(/JWKS download failed: 500/);
  });

  it('apologises when userinfo times out', async () => {
    await start({ OIDC_USERINFO_URL: `${IDP}/userinfo` });
    serveJwks(rsa);
    nock(IDP).get('/userinfo').delay(3000).reply(200, { sub: 'auth0|rider-42' });
    expect(speechOf(await orderRide(token(rsa)))).to.match(/^Sorry, Ride Hailer is having trouble/);
  });
});
