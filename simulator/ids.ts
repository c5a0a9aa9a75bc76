import { randomBytes, randomUUID } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` random characters from `alphabet` (rejection sampling, so every character is equally likely). */
function randomChars(alphabet: string, length: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** An Amazon customer id as Login with Amazon reports it (`amzn1.account.…`). */
export function amazonAccountId(): string {
  return `amzn1.account.${randomChars(BASE32, 28)}`;
}

/**
 * A skill-scoped user id (`amzn1.ask.account.…`). Alexa mints a new one each time the customer
 * enables the skill, so a re-enabled skill sees a different user.
 */
export function skillUserId(): string {
  return `amzn1.ask.account.${randomChars(BASE32, 120)}`;
}

/** A skill-scoped device id (`amzn1.ask.device.…`). */
export function deviceId(): string {
  return `amzn1.ask.device.${randomChars(BASE32, 120)}`;
}

/** A request id as Alexa sends it. */
export function requestId(): string {
  return `amzn1.echo-api.request.${randomUUID()}`;
}

/** A session id as Alexa sends it. */
export function sessionId(): string {
  return `amzn1.echo-api.session.${randomUUID()}`;
}

/** A Login with Amazon authorization code: opaque, unguessable (about 143 bits). */
export function lwaCode(): string {
  return `AN${randomChars(ALPHANUMERIC, 24)}`;
}

/** A Login with Amazon access token (`Atza|…`): opaque to every holder. */
export function lwaAccessToken(): string {
  return `Atza|${randomBytes(48).toString('base64url')}`;
}

/** A Login with Amazon refresh token (`Atzr|…`). */
export function lwaRefreshToken(): string {
  return `Atzr|${randomBytes(48).toString('base64url')}`;
}

/** An opaque token Alexa hands a skill for calling Alexa APIs (context.System.apiAccessToken). */
export function apiAccessToken(): string {
  return `Atc|${randomBytes(48).toString('base64url')}`;
}

/** An LWA client id in Amazon's shape (`amzn1.application-oa2-client.…`). */
export function lwaClientId(): string {
  return `amzn1.application-oa2-client.${randomBytes(16).toString('hex')}`;
}

/** A skill id in Amazon's shape (`amzn1.ask.skill.<uuid>`). */
export function skillId(): string {
  return `amzn1.ask.skill.${randomUUID()}`;
}

/** A random state or secret value, URL-safe. */
export function randomValue(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}
