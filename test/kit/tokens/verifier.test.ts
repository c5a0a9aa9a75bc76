import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { createTokenVerifier, type TokenVerifierOptions } from '../../../kit/tokens';
import { AccessTokens } from '../../../server/oauth/access-tokens';
import { KeyRing } from '../../../server/oauth/keys';
import type { MemoryStore } from '../../../server/store/memory';
import type { TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import { forgedSignature, introspections, issueToken, jwksDownloads, p256Pem, RESOURCE_SERVER, revokeAtLinkwright, startLinkwright, tokenFromOtherIssuer } from './support';

describe('linkwright/tokens: createTokenVerifier against a running Linkwright', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startLinkwright();
  });
  afterEach(async () => service?.close());

  const verifierFor = (options: Partial<TokenVerifierOptions> = {}) => createTokenVerifier({ issuer: service.services.settings.publicUrl, clock: service.clock, ...options });

  it('accepts a valid token and returns who, for which client, which scopes, until when', async () => {
    const { token, userId } = await issueToken(service);
    const result = await verifierFor().verify(token);
    expect(result.ok).to.equal(true);
    if (!result.ok) return;
    const claims = jwt.decode(token) as jwt.JwtPayload;
    expect(result.token).to.deep.include({ sub: userId, clientId: TEST_CLIENT_ID, scope: ['profile', 'orders'], audience: [service.services.settings.publicUrl] });
    expect(result.token.expiresAt.getTime()).to.equal((claims.exp as number) * 1000);
    expect(result.token.claims.sid).to.equal(claims.sid);
  });

  it('finds the JWKS through the metadata, downloads it once, and verifies every later token from memory', async () => {
    const verifier = verifierFor();
    for (let i = 0; i < 5; i += 1) expect((await verifier.verify((await issueToken(service)).token)).ok).to.equal(true);
    expect(jwksDownloads(service)).to.equal(1);
    expect(service.logs.events('http.request').filter((line) => line.path === '/.well-known/oauth-authorization-server')).to.have.length(1);
  });

  it('refuses an expired token, with the clock skew allowed and no more', async () => {
    const { token } = await issueToken(service);
    const verifier = verifierFor({ clockToleranceSec: 5 });
    expect((await verifier.verify(token)).ok).to.equal(true);
    service.clock.advance(service.services.accessTokens.ttlSec * 1000 + 4000);
    expect((await verifier.verify(token)).ok).to.equal(true);
    service.clock.advance(2000);
    expect(await verifier.verify(token)).to.deep.equal({ ok: false, reason: 'expired' });
    // A fresh verifier (nothing cached) says the same.
    expect(await verifierFor({ clockToleranceSec: 5 }).verify(token)).to.deep.equal({ ok: false, reason: 'expired' });
  });

  it('refuses a forged signature, another issuer and another audience, each with its own reason', async () => {
    const { token } = await issueToken(service);
    const verifier = verifierFor();
    expect(await verifier.verify(forgedSignature(token))).to.deep.equal({ ok: false, reason: 'bad_signature' });
    expect(await verifier.verify(tokenFromOtherIssuer(service, 'https://other.example'))).to.deep.equal({ ok: false, reason: 'wrong_issuer' });
    expect(await verifierFor({ audience: 'https://orders.example.com' }).verify(token)).to.deep.equal({ ok: false, reason: 'wrong_audience' });
    expect(await verifierFor({ audience: ['https://orders.example.com', service.services.settings.publicUrl] }).verify(token)).to.have.property('ok', true);
  });

  it('refuses alg none and HS256 signed with the public key (algorithm confusion) without looking for a key', async () => {
    const { token } = await issueToken(service);
    const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt;
    const [, payload] = token.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: decoded.header.kid })).toString('base64url')}.${payload}.`;
    const publicJwk = service.services.keys.jwks().keys[0];
    const hs256 = jwt.sign(decoded.payload as object, JSON.stringify(publicJwk), { algorithm: 'HS256', header: { alg: 'HS256', typ: 'at+jwt', kid: decoded.header.kid as string } });
    const verifier = verifierFor();
    expect(await verifier.verify(none)).to.deep.equal({ ok: false, reason: 'bad_signature' });
    expect(await verifier.verify(hs256)).to.deep.equal({ ok: false, reason: 'bad_signature' });
    expect(jwksDownloads(service)).to.equal(0);
    expect(() => createTokenVerifier({ issuer: service.services.settings.publicUrl, algorithms: ['ES256', 'HS256'] })).to.throw(TypeError, /asymmetric/);
    expect(() => createTokenVerifier({ issuer: service.services.settings.publicUrl, algorithms: ['none'] })).to.throw(TypeError);
  });

  it('refuses options it cannot work with, at creation', () => {
    const issuer = service.services.settings.publicUrl;
    expect(() => createTokenVerifier({} as TokenVerifierOptions)).to.throw(TypeError, /issuer/);
    expect(() => createTokenVerifier({ issuer: 'link.example.com' })).to.throw(TypeError, /issuer/);
    expect(() => createTokenVerifier({ issuer, revocationCheckMs: -1 })).to.throw(TypeError, /revocationCheckMs/);
    expect(() => createTokenVerifier({ issuer, cacheSize: Number.NaN })).to.throw(TypeError, /cacheSize/);
    expect(() => createTokenVerifier({ issuer, introspection: { clientId: '', clientSecret: 'x' } })).to.throw(TypeError, /introspection/);
  });

  it('refuses malformed tokens: garbage, wrong typ, missing claims, oversized', async () => {
    const key = service.services.keys.active;
    const base = { iss: service.services.settings.publicUrl, aud: service.services.settings.publicUrl, sub: 'u', client_id: TEST_CLIENT_ID, exp: Math.floor(service.clock.now() / 1000) + 600 };
    const idToken = jwt.sign(base, key.privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'JWT', kid: key.kid } });
    const noClient = jwt.sign({ ...base, client_id: undefined }, key.privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid: key.kid } });
    const verifier = verifierFor();
    for (const bad of ['', 'garbage', 'a.b', 'a.b.c.d', '!!!.???.***', `${'a'.repeat(5000)}.${'b'.repeat(5000)}.c`, idToken, noClient]) {
      expect(await verifier.verify(bad), bad.slice(0, 30)).to.deep.equal({ ok: false, reason: 'malformed' });
    }
    expect(await verifier.verify(undefined as unknown as string)).to.deep.equal({ ok: false, reason: 'malformed' });
  });

  it('refuses a token whose kid the issuer does not have, and downloads the JWKS again at most once per cooldown', async () => {
    const { token } = await issueToken(service);
    const verifier = verifierFor({ jwksCooldownMs: 30_000 });
    expect((await verifier.verify(token)).ok).to.equal(true);
    const stranger = new AccessTokens(KeyRing.generate(), service.services.settings.publicUrl, 3600, service.clock);
    const forged = Array.from({ length: 20 }, () => stranger.sign({ userId: 'u', clientId: TEST_CLIENT_ID, scope: 'profile', familyId: 'f'.repeat(22) }).token);
    for (const token of forged) expect(await verifier.verify(token)).to.deep.equal({ ok: false, reason: 'unknown_key' });
    // Within the cooldown since the first download: none of the twenty made us download again.
    expect(jwksDownloads(service)).to.equal(1);
    service.clock.advance(30_001);
    expect(await verifier.verify(forged[0] as string)).to.deep.equal({ ok: false, reason: 'unknown_key' });
    expect(await verifier.verify(forged[1] as string)).to.deep.equal({ ok: false, reason: 'unknown_key' });
    expect(jwksDownloads(service)).to.equal(2);
  });

  it('refetches the JWKS for a new kid after the issuer rotates its keys (restart with a new key first)', async () => {
    const oldPem = p256Pem();
    const newPem = p256Pem();
    const port = Number(new URL(service.url).port);
    await service.close();
    const store = service.store as MemoryStore;
    service = await startLinkwright({ port, keys: KeyRing.fromPems([oldPem]), clock: service.clock, store });
    const verifier = verifierFor();
    const before = await issueToken(service);
    expect((await verifier.verify(before.token)).ok).to.equal(true);
    await service.close();
    service = await startLinkwright({ port, keys: KeyRing.fromPems([newPem, oldPem]), clock: service.clock, store });
    service.clock.advance(30_001); // past the cooldown since the verifier's download
    const after = await issueToken(service);
    expect((jwt.decode(after.token, { complete: true }) as jwt.Jwt).header.kid).to.not.equal((jwt.decode(before.token, { complete: true }) as jwt.Jwt).header.kid);
    expect((await verifier.verify(after.token)).ok).to.equal(true);
    expect((await verifier.verify(before.token)).ok).to.equal(true);
    expect(jwksDownloads(service)).to.equal(1);
  });

  it('sees a revocation through introspection within revocationCheckMs, asking at most once per token per period', async () => {
    const { token } = await issueToken(service);
    const verifier = verifierFor({ introspection: RESOURCE_SERVER, revocationCheckMs: 5000 });
    for (let i = 0; i < 10; i += 1) expect((await verifier.verify(token)).ok).to.equal(true);
    expect(introspections(service)).to.equal(1);
    await revokeAtLinkwright(service, token);
    // Inside the period the last answer stands (the documented bound)…
    service.clock.advance(4000);
    expect((await verifier.verify(token)).ok).to.equal(true);
    // …and after it the revocation is seen, and remembered.
    service.clock.advance(1001);
    expect(await verifier.verify(token)).to.deep.equal({ ok: false, reason: 'revoked' });
    expect(await verifier.verify(token)).to.deep.equal({ ok: false, reason: 'revoked' });
    expect(introspections(service)).to.equal(2);
  });

  it('asks once for concurrent requests with the same token', async () => {
    const { token } = await issueToken(service);
    const verifier = verifierFor({ introspection: RESOURCE_SERVER });
    const results = await Promise.all(Array.from({ length: 25 }, () => verifier.verify(token)));
    expect(results.every((result) => result.ok)).to.equal(true);
    expect(introspections(service)).to.equal(1);
    expect(jwksDownloads(service)).to.equal(1);
  });

  it('lets the service plug its own isRevoked check, asked on every call', async () => {
    const { token, userId } = await issueToken(service);
    const signedOut = new Set<string>();
    let asked = 0;
    const verifier = verifierFor({
      isRevoked: (claims) => {
        asked += 1;
        return signedOut.has(claims.sub);
      },
    });
    expect((await verifier.verify(token)).ok).to.equal(true);
    signedOut.add(userId);
    expect(await verifier.verify(token)).to.deep.equal({ ok: false, reason: 'revoked' });
    expect(asked).to.equal(2);
    const failing = verifierFor({
      isRevoked: () => {
        throw new Error('our user store is down');
      },
    });
    expect(await failing.verify((await issueToken(service)).token)).to.deep.equal({ ok: false, reason: 'unavailable' });
  });

  it('refuses an introspection client Linkwright does not know as unavailable, not as a verdict on the token', async () => {
    const { token } = await issueToken(service);
    const events: string[] = [];
    const verifier = verifierFor({ introspection: { clientId: RESOURCE_SERVER.clientId, clientSecret: 'wrong' }, onEvent: (event) => events.push(event) });
    expect(await verifier.verify(token)).to.deep.equal({ ok: false, reason: 'unavailable' });
    expect(events).to.include('tokens.revocation_check_failed');
    // While it fails, other tokens are answered at once without asking again (one call per retry interval).
    const calls = introspections(service);
    for (let i = 0; i < 5; i += 1) expect(await verifier.verify((await issueToken(service)).token)).to.deep.equal({ ok: false, reason: 'unavailable' });
    expect(introspections(service)).to.equal(calls);
    service.clock.advance(2001);
    await verifier.verify(token);
    expect(introspections(service)).to.equal(calls + 1);
  });

  it('answers unavailable when the JWKS cannot be downloaded, and keeps using keys it already holds', async () => {
    const { token } = await issueToken(service);
    const second = await issueToken(service);
    const url = service.services.settings.publicUrl;
    const holding = verifierFor();
    expect((await holding.verify(token)).ok).to.equal(true);
    await service.close();
    const cold = createTokenVerifier({ issuer: url, clock: service.clock, timeoutMs: 1000 });
    expect(await cold.verify(token)).to.deep.equal({ ok: false, reason: 'unavailable' });
    // Not cached as a refusal: the same token is asked about again once the issuer is back.
    expect(await cold.verify(token)).to.deep.equal({ ok: false, reason: 'unavailable' });
    expect((await holding.verify(second.token)).ok).to.equal(true);
    // With introspection configured, an unreachable issuer cannot say "not revoked".
    const introspecting = createTokenVerifier({ issuer: url, clock: service.clock, jwksUri: `${url}/oauth/jwks`, introspection: RESOURCE_SERVER, timeoutMs: 1000 });
    expect(await introspecting.verify(token)).to.deep.equal({ ok: false, reason: 'unavailable' });
  });

  it('remembers refused tokens by hash: a flood of one forged token costs one signature check', async () => {
    const { token } = await issueToken(service);
    const forged = forgedSignature(token);
    const verifier = verifierFor();
    expect(await verifier.verify(forged)).to.deep.equal({ ok: false, reason: 'bad_signature' });
    const distinct = Array.from({ length: 300 }, (_, i) =>
      forgedSignature(service.services.accessTokens.sign({ userId: `u${i}`, clientId: TEST_CLIENT_ID, scope: 'profile', familyId: 'f'.repeat(22) }).token),
    );
    const timed = async (tokens: string[]): Promise<number> => {
      const started = process.hrtime.bigint();
      for (const token of tokens) expect((await verifier.verify(token)).ok).to.equal(false);
      return Number(process.hrtime.bigint() - started);
    };
    // Measured against the same machine in the same run, so load on a shared host cancels out: 300 fresh
    // forgeries (a signature check each, about 100 µs) against the one forgery repeated 300 times.
    const fresh = await timed(distinct);
    const repeated = await timed(Array.from({ length: 300 }, () => forged));
    expect(repeated / fresh).to.be.below(0.25);
  });
});

describe('linkwright/tokens: expiry seen by introspection inside the clock tolerance', () => {
  let service: TestService;
  before(async () => {
    service = await startLinkwright();
  });
  after(async () => service?.close());

  it('is reported as expired, not revoked', async () => {
    const { token } = await issueToken(service);
    const verifier = createTokenVerifier({ issuer: service.services.settings.publicUrl, clock: service.clock, introspection: RESOURCE_SERVER, clockToleranceSec: 30 });
    expect((await verifier.verify(token)).ok).to.equal(true);
    service.clock.advance(service.services.accessTokens.ttlSec * 1000 + 10_000);
    expect(await verifier.verify(token)).to.deep.equal({ ok: false, reason: 'expired' });
  });
});
