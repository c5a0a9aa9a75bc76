import type { LinkingProvider } from '../skill/settings';

/** The company's user behind an Alexa access token. */
export interface LinkedUser {
  /** Our account id (AccountDirectory), the id grants and revocations are kept under. */
  userId: string;
  /** The name to greet the user by, when the provider already told us (LWA, OIDC). */
  displayName?: string;
}

/** What a token turned out to be: a linked user, or "not linked" with the reason for the log. */
export type Resolution = { linked: true; user: LinkedUser } | { linked: false; reason: string };

/**
 * Turns an access token from `context.System.user.accessToken` into the company's user. A token that
 * is expired, forged, revoked or unknown resolves to "not linked"; a provider or store that cannot
 * answer throws (the skill then apologises instead of wrongly asking the user to link again).
 */
export interface TokenResolver {
  readonly provider: LinkingProvider;
  resolve(token: string): Promise<Resolution>;
  /** Drops cached answers (after a revocation this process performed). */
  forgetCached(): void;
}

/** A provider (identity provider, key set, userinfo) could not be asked; the request should be apologised for. */
export class ProviderUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`token provider unavailable: ${reason}`);
    this.name = 'ProviderUnavailableError';
  }
}

/** Shorthand for a "not linked" resolution. */
export function notLinked(reason: string): Resolution {
  return { linked: false, reason };
}
