import { createPublicKey } from 'node:crypto';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { ManualClock } from '../../../server/clock';
import { AccessTokens, InvalidAccessTokenError } from '../../../server/oauth/access-tokens';
import { KeyRing } from '../../../server/oauth/keys';

const ISSUER = 'https://auth.example';
const TTL_SEC = 3600;
const GRANT = { userId: 'rider-1', clientId: 'alexa', scope: 'rides', familyId: 'family-1' };

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(InvalidAccessTokenError);
    return (error as InvalidAccessTokenError).reason;
  }
  throw new Error('expected the token to be refused');
}

function segments(token: string): [Record<string, unknown>, Record<string, unknown>, string] {
  const [header = '', payload = '', signature = ''] = token.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return [decode(header), decode(payload), signature];
}

function encode(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

describe('access tokens: the payload tag beside the ES256 signature', () => {
  let clock: ManualClock;
  let keys: KeyRing;
  let tokens: AccessTokens;

  beforeEach(() => {
    clock = new ManualClock();
    keys = KeyRing.generate();
    tokens = new AccessTokens(keys, ISSUER, TTL_SEC, clock);
  });

  it('issues standard ES256 JWTs that a resource server elsewhere verifies against the JWKS alone', () => {
    const { token } = tokens.sign(GRANT);
    const [header] = segments(token);
    expect(header).to.include({ alg: 'ES256', typ: 'at+jwt', kid: keys.active.kid });
    expect(header.lwt).to.be.a('string').with.length(22);
    const jwk = keys.jwks().keys[0];
    const verified = jwt.verify(token, createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' }), { algorithms: ['ES256'], issuer: ISSUER, audience: ISSUER }) as jwt.JwtPayload;
    expect(verified).to.include({ sub: 'rider-1', client_id: 'alexa', sid: 'family-1' });
    expect(tokens.verify(token)).to.include({ sub: 'rider-1', sid: 'family-1' });
  });

  it('refuses a payload changed after signing, whatever the signature', () => {
    const { token } = tokens.sign(GRANT);
    const [header, payload, signature] = segments(token);
    const swapped = `${encode(header)}.${encode({ ...payload, sub: 'someone-else' })}.${signature}`;
    expect(reasonOf(() => tokens.verify(swapped))).to.equal('invalid signature');
  });

  it('refuses a valid payload and tag under a signature that does not verify', () => {
    const { token } = tokens.sign(GRANT);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`;
    expect(reasonOf(() => tokens.verify(`${header}.${payload}.${flipped}`))).to.equal('invalid signature');
    expect(reasonOf(() => tokens.verify(`${header}.${payload}.${signature.slice(0, -4)}`))).to.equal('invalid signature');
  });

  it('refuses tags of the wrong type or length, and a tag moved to another payload', () => {
    const first = tokens.sign(GRANT).token;
    const second = tokens.sign({ ...GRANT, userId: 'rider-2' }).token;
    const [header, , signature] = segments(first);
    const [, otherPayload] = segments(second);
    for (const lwt of [42, '', 'AAAA', `${String(header.lwt)}AA`]) {
      expect(reasonOf(() => tokens.verify(`${encode({ ...header, lwt })}.${first.split('.')[1] ?? ''}.${signature}`)), String(lwt)).to.equal('invalid signature');
    }
    expect(reasonOf(() => tokens.verify(`${first.split('.')[0] ?? ''}.${encode(otherPayload)}.${signature}`))).to.equal('invalid signature');
  });

  it('pins the algorithm to the key named by kid, and refuses unknown keys and garbage', () => {
    const { token } = tokens.sign(GRANT);
    const [header, payload, signature] = segments(token);
    expect(reasonOf(() => tokens.verify(`${encode({ ...header, alg: 'HS256' })}.${encode(payload)}.${signature}`))).to.equal('invalid algorithm');
    expect(reasonOf(() => tokens.verify(`${encode({ ...header, alg: 'none' })}.${encode(payload)}.`))).to.equal('invalid algorithm');
    expect(reasonOf(() => tokens.verify(`${encode({ ...header, kid: 'nobody' })}.${encode(payload)}.${signature}`))).to.match(/^unknown signing key nobody/);
    expect(reasonOf(() => tokens.verify('abc.def.ghi'))).to.match(/^unknown signing key/);
    expect(reasonOf(() => tokens.verify('no-dots'))).to.equal('jwt malformed');
  });

  it('keeps the registered-claim checks: expiry, issuer and audience', () => {
    const { token } = tokens.sign(GRANT);
    expect(reasonOf(() => new AccessTokens(keys, 'https://other.example', TTL_SEC, clock).verify(token))).to.match(/^jwt issuer invalid/);
    expect(reasonOf(() => tokens.verify(token, ['https://mcp.example']))).to.match(/^jwt audience invalid/);
    clock.advance(TTL_SEC * 1000);
    expect(reasonOf(() => tokens.verify(token))).to.equal('jwt expired');
  });

  it('verifies untagged tokens (from a process not yet upgraded) by signature for two lifetimes, then refuses them at once', () => {
    const key = keys.active;
    const untagged = () => {
      const iat = Math.floor(clock.now() / 1000);
      return jwt.sign({ iss: ISSUER, aud: ISSUER, sub: 'rider-1', client_id: 'alexa', scope: 'rides', sid: 'family-1', jti: 'j', iat, exp: iat + TTL_SEC }, key.privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid: key.kid } });
    };
    expect(tokens.verify(untagged())).to.include({ sub: 'rider-1' });
    const genuine = untagged();
    const forged = `${genuine.slice(0, -8)}${genuine.endsWith('AAAAAAAA') ? 'BBBBBBBB' : 'AAAAAAAA'}`;
    expect(reasonOf(() => tokens.verify(forged))).to.equal('invalid signature');
    clock.advance(2 * TTL_SEC * 1000 - 1000);
    expect(tokens.verify(untagged())).to.include({ sub: 'rider-1' });
    clock.advance(1000);
    expect(reasonOf(() => tokens.verify(untagged()))).to.equal('untagged token');
    // Tagged tokens are unaffected by the cut-off.
    expect(tokens.verify(tokens.sign(GRANT).token)).to.include({ sub: 'rider-1' });
  });

  it('derives the tag key from the signing key: another process with the same key accepts the token, one with another key does not', () => {
    const { token } = tokens.sign(GRANT);
    const pem = keys.active.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(new AccessTokens(KeyRing.fromPems([pem]), ISSUER, TTL_SEC, clock).verify(token)).to.include({ sub: 'rider-1' });
    expect(reasonOf(() => new AccessTokens(KeyRing.generate(), ISSUER, TTL_SEC, clock).verify(token))).to.match(/^unknown signing key/);
  });
});
