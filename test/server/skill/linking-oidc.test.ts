import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { intentRequest, postToSkill, speechOf } from '../../support/alexa-requests';
import { allowOnlyLoopback, restoreNetwork } from '../../support/alexa-signing';
import { type ProviderKey, providerKey, startOidcProvider, type TestOidcProvider } from '../../support/oidc-provider';
import type { TestService } from '../../support/service';
import { startSkillService } from './skill-test-kit';

const AUDIENCE = 'https://rides.example.com/api';
const ANOTHER_API = 'https://another.example.com/api';
const RIDER = 'rider-42';

/**
 * The skill's OIDC resolver against node-oidc-provider on loopback: the provider signs the access
 * tokens (JWTs for AUDIENCE) and serves its keys and userinfo. Tokens the provider would never issue
 * (another algorithm, a removed key, a forged key id) are made here with the provider's own key material.
 */
describe('skill: linking with an OpenID Connect provider (node-oidc-provider on loopback)', function () {
  this.timeout(30_000);
  let provider: TestOidcProvider;
  let service: TestService;
  let rsa: ProviderKey;
  let ec: ProviderKey;

  beforeEach(async () => {
    allowOnlyLoopback();
    rsa = providerKey('key-2024');
    ec = providerKey('key-ec', 'ES256');
    provider = await startOidcProvider({ redirectUri: 'http://127.0.0.1:9/callback', resourceServers: [AUDIENCE, ANOTHER_API], keys: [rsa, ec] });
    provider.names.set(RIDER, 'Alex Chen');
  });
  afterEach(async () => {
    await service?.close();
    await provider?.close();
    restoreNetwork();
  });

  async function start(env: Record<string, string> = {}): Promise<void> {
    service = await startSkillService({
      SKILL_LINKING_PROVIDER: 'oidc',
      OIDC_ISSUER: provider.issuer,
      OIDC_JWKS_URL: provider.jwksUrl,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_TIMEOUT_MS: '300',
      ...env,
    });
  }

  /** A token made here with a key (the provider's, a removed one, a stranger's), claims as given. */
  function forged(key: ProviderKey, claims: Record<string, unknown> = {}, options: jwt.SignOptions = {}): string {
    const now = Math.floor(service.clock.now() / 1000);
    return jwt.sign({ iss: provider.issuer, aud: AUDIENCE, sub: RIDER, iat: now, exp: now + 3600, name: 'Alex Chen', ...claims }, key.privateKey, { algorithm: key.alg, keyid: key.kid, ...options });
  }

  function orderRide(accessToken: string) {
    return postToSkill(service.url, intentRequest('OrderRideIntent', {}, { clock: service.clock, accessToken }));
  }

  function expectNotLinked(answer: Awaited<ReturnType<typeof orderRide>>, reason: RegExp): void {
    expect(answer.status).to.equal(200);
    expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(service.logs.events('skill.token_not_linked').at(-1)?.reason).to.match(reason);
  }

  it('verifies the provider\'s JWT against its JWKS and links the subject to a local account (RS256 and ES256)', async () => {
    await start();
    expect(speechOf(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)))).to.match(/^Okay Alex Chen, your ride is booked/);
    provider.behaviour.accessTokenAlg = 'ES256';
    const es256 = await provider.accessTokenFor(RIDER, AUDIENCE);
    expect(JSON.parse(Buffer.from(es256.split('.')[0] as string, 'base64url').toString())).to.include({ alg: 'ES256', kid: 'key-ec' });
    expect(speechOf(await orderRide(es256))).to.match(/^Okay Alex Chen/);
    expect(provider.jwksRequests).to.equal(1);
    const account = await service.services.accounts.findExternal(`oidc:${new URL(provider.issuer).host}`, RIDER);
    expect(account?.displayName).to.equal('Alex Chen');
  });

  it('refuses tokens for another API, from another issuer, expired ones, and unsigned or HS256 ones', async () => {
    await start();
    expectNotLinked(await orderRide(await provider.accessTokenFor(RIDER, ANOTHER_API)), /jwt audience invalid/);
    // Another provider holding the same keys: its tokens verify, but its issuer is not ours.
    const impostor = await startOidcProvider({ redirectUri: 'http://127.0.0.1:9/callback', resourceServers: [AUDIENCE], keys: [rsa, ec] });
    try {
      expectNotLinked(await orderRide(await impostor.accessTokenFor(RIDER, AUDIENCE)), /jwt issuer invalid/);
    } finally {
      await impostor.close();
    }
    const early = await provider.accessTokenFor(RIDER, AUDIENCE);
    service.clock.advance(700_000); // past the provider's 600 s token lifetime
    expectNotLinked(await orderRide(early), /jwt expired/);
    const [, payload] = forged(rsa).split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', kid: rsa.kid })).toString('base64url')}.${payload}.`;
    expectNotLinked(await orderRide(unsigned), /algorithm none is not accepted/);
    const hmac = jwt.sign({ iss: provider.issuer, aud: AUDIENCE, sub: 'x' }, 'secret', { algorithm: 'HS256', keyid: rsa.kid });
    expectNotLinked(await orderRide(hmac), /algorithm HS256 is not accepted/);
    expectNotLinked(await orderRide('garbage'), /not a JWT/);
  });

  it('refuses a token whose algorithm does not fit its key (RS256 header on the EC key)', async () => {
    await start({ OIDC_ALGORITHMS: 'RS256,ES256' });
    expectNotLinked(await orderRide(forged(rsa, {}, { keyid: ec.kid })), /invalid algorithm|invalid signature/);
  });

  it('fetches the JWKS again when a token names an unknown kid (the provider rotated its key)', async () => {
    await start();
    expect(speechOf(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)))).to.match(/^Okay Alex Chen/);
    service.clock.advance(31_000);
    const rotated = providerKey('key-2025');
    provider.rotateKeys([rotated, rsa, ec]);
    const fresh = await provider.accessTokenFor(RIDER, AUDIENCE);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0] as string, 'base64url').toString()).kid).to.equal('key-2025');
    expect(speechOf(await orderRide(fresh))).to.match(/^Okay Alex Chen/);
    expect(provider.jwksRequests).to.equal(2);
  });

  it('rate-limits refreshes caused by unknown kids (OIDC_JWKS_MIN_REFRESH_SEC)', async () => {
    await start();
    const stranger = providerKey('forged-kid');
    for (let attempt = 0; attempt < 4; attempt += 1) expectNotLinked(await orderRide(forged(stranger)), /no JWKS key for kid forged-kid/);
    // The first use downloads; one unknown-kid refresh is allowed per 30 s, so the other attempts ask nobody.
    expect(provider.jwksRequests).to.equal(1);
    service.clock.advance(30_000);
    expectNotLinked(await orderRide(forged(stranger)), /no JWKS key/);
    expect(provider.jwksRequests).to.equal(2);
  });

  it('stops trusting a key the provider removed, once the key set is older than OIDC_JWKS_MAX_AGE_SEC', async () => {
    await start({ OIDC_JWKS_MAX_AGE_SEC: '600' });
    expect(speechOf(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)))).to.match(/^Okay/);
    service.clock.advance(601_000);
    provider.rotateKeys([providerKey('key-2025'), ec]);
    // A token still signed with the removed key (say, leaked before the rotation).
    expectNotLinked(await orderRide(forged(rsa, { sub: 'another-rider' })), /no JWKS key for kid key-2024/);
  });

  describe('with OIDC_USERINFO_URL', () => {
    beforeEach(async () => {
      await start({ OIDC_USERINFO_URL: provider.userinfoUrl });
    });

    it('takes name and e-mail from userinfo when the provider answers it for the API token (as Auth0 does)', async () => {
      provider.behaviour.userinfo = { status: 200, body: { sub: RIDER, name: 'Alexandra Chen', email: 'alex@example.com' } };
      const access = await provider.accessTokenFor(RIDER, AUDIENCE);
      expect(speechOf(await orderRide(access))).to.match(/^Okay Alexandra Chen/);
      expect(provider.userinfoRequests).to.deep.equal([`Bearer ${access}`]);
    });

    it('refuses userinfo answers for another subject', async () => {
      provider.behaviour.userinfo = { status: 200, body: { sub: 'somebody-else', name: 'Mallory' } };
      expectNotLinked(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)), /userinfo subject differs/);
    });

    it('treats userinfo refusing the API-audience token (node-oidc-provider\'s own 401, a 403) as no profile: the user is linked, named from the token', async () => {
      expect(speechOf(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)))).to.match(/^Okay Alex Chen/);
      provider.behaviour.userinfo = { status: 403, body: { error: 'insufficient_scope' } };
      expect(speechOf(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)))).to.match(/^Okay/);
      expect(provider.userinfoRequests).to.have.length(2);
      expect(service.logs.events('skill.token_not_linked')).to.deep.equal([]);
    });

    it('apologises when userinfo answers a server error', async () => {
      provider.behaviour.userinfo = { status: 502, body: 'bad gateway' };
      expect(speechOf(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)))).to.match(/^Sorry, Ride Hailer is having trouble/);
    });

    it('apologises when userinfo times out', async () => {
      provider.behaviour.userinfo = { status: 200, body: { sub: RIDER }, delayMs: 3000 };
      expect(speechOf(await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE)))).to.match(/^Sorry, Ride Hailer is having trouble/);
    });
  });

  it('apologises when the JWKS cannot be downloaded and no key is held', async () => {
    await start();
    provider.behaviour.jwksStatus = 500;
    const answer = await orderRide(await provider.accessTokenFor(RIDER, AUDIENCE));
    expect(speechOf(answer)).to.match(/^Sorry, Ride Hailer is having trouble/);
    expect(service.logs.events('skill.failed').at(-1)?.reason).to.match(/JWKS download failed: 500/);
  });
});
