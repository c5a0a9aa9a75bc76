import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ManualClock } from '../../../server/clock';
import { createLogger } from '../../../server/log';
import { AccessTokens } from '../../../server/oauth/access-tokens';
import { KeyRing } from '../../../server/oauth/keys';
import { startService } from '../../../server/runtime';
import { MemoryStore } from '../../../server/store/memory';
import { CapturedLog, type TestService } from '../../support/service';
import { freePort } from '../../support/ports';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, testSettings } from '../../support/settings';

export const RESOURCE_SERVER = { clientId: 'orders-api', clientSecret: 'orders-api-secret-0123456789abcdef' };

/** A PEM P-256 private key, for key rings a test rotates through. */
export function p256Pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * Starts Linkwright on `port` (a fresh one by default) with the given keys, a manual clock and the
 * resource server's introspection credentials; the same port and store again stand for a restart.
 */
export async function startLinkwright(options: { port?: number; keys?: KeyRing; clock?: ManualClock; store?: MemoryStore } = {}): Promise<TestService> {
  const port = options.port ?? (await freePort());
  const settings = testSettings(port, { INTROSPECTION_CLIENT_ID: RESOURCE_SERVER.clientId, INTROSPECTION_CLIENT_SECRET: RESOURCE_SERVER.clientSecret });
  const clock = options.clock ?? new ManualClock();
  const logs = new CapturedLog();
  const store = options.store ?? new MemoryStore(clock);
  const running = await startService(settings, { log: createLogger('debug', logs.stream()), store, clock, keys: options.keys ?? KeyRing.generate() });
  return { ...running, clock, logs, store };
}

/** A live grant at the service and an access token of it, as the token endpoint would give Alexa. */
export async function issueToken(service: TestService, clientId = TEST_CLIENT_ID): Promise<{ token: string; familyId: string; userId: string }> {
  const { accounts, refreshTokens, accessTokens } = service.services;
  const account = await accounts.create({ username: `user-${Math.random().toString(36).slice(2)}@example.com`, password: 'correct horse battery', displayName: 'Test User' });
  const { family } = await refreshTokens.issue({ userId: account.id, clientId, scope: 'profile orders' });
  const { token } = accessTokens.sign({ userId: account.id, clientId, scope: 'profile orders', familyId: family.id });
  return { token, familyId: family.id, userId: account.id };
}

/** A token signed by the service's own key but claiming another issuer. */
export function tokenFromOtherIssuer(service: TestService, issuer: string): string {
  return new AccessTokens(service.services.keys, issuer, 3600, service.clock).sign({ userId: 'u', clientId: TEST_CLIENT_ID, scope: 'profile', familyId: 'f'.repeat(22) }).token;
}

/** The same claims and kid as `token`, signed by a key the issuer never had. */
export function forgedSignature(token: string): string {
  const decoded = jwt.decode(token, { complete: true }) as jwt.Jwt;
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  return jwt.sign(decoded.payload as object, other, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid: decoded.header.kid as string } });
}

/** How many times the service served its JWKS. */
export function jwksDownloads(service: TestService): number {
  return service.logs.events('http.request').filter((line) => line.path === '/oauth/jwks').length;
}

/** How many introspection requests the service answered. */
export function introspections(service: TestService): number {
  return service.logs.events('http.request').filter((line) => line.path === '/oauth/introspect').length;
}

/** Revokes a token the way a client does (RFC 7009). */
export async function revokeAtLinkwright(service: TestService, token: string): Promise<void> {
  const response = await fetch(`${service.url}/oauth/revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}` },
    body: new URLSearchParams({ token }).toString(),
  });
  if (response.status !== 200) throw new Error(`revoke answered ${response.status}`);
}
