/** The company's user an access token names, as a resolver found it. */
export interface ResolvedAccount {
  /** The company's own user id (for Linkwright tokens, the `sub` claim). */
  userId: string;
  /** The name to greet the user by, when the provider told us (LWA, OIDC). */
  displayName?: string;
  /**
   * The grant the token was issued under, when the issuer names one (Linkwright tokens: the `sid`
   * claim, the refresh family). A {@link LinkStore} uses it to tell a new link of an Alexa account from
   * the one it replaces.
   */
  grantId?: string;
}

/** What a caller may hand a {@link TokenResolver} with a token. */
export interface ResolveTokenOptions {
  /** Called at most once, when the token passed the resolver's own checks and just before it asks its store or provider. */
  alongside?: () => void;
}

/** What a token turned out to be: a user, or "not linked" with the reason for the log. */
export type Resolution = { linked: true; user: ResolvedAccount } | { linked: false; reason: string };

/**
 * Turns an account-linking access token into the company's user. A token that is expired, forged,
 * foreign or revoked resolves to "not linked"; a provider that cannot answer throws
 * {@link ProviderUnavailableError} (the skill then apologises instead of wrongly asking to link again).
 */
export interface TokenResolver {
  /** A short name for logs and metrics (`linkwright`, `lwa`, `oidc`, `builtin`…). */
  readonly provider: string;
  /**
   * Resolves one token. A resolver that asks a store or a provider after its own checks may call
   * `options.alongside` once, right before it asks (so only for a token it found genuine): whatever the
   * caller reads there is sent with the resolver's own request (see LinkStore.prepare).
   */
  resolve(token: string, options?: ResolveTokenOptions): Promise<Resolution>;
  /** Drops cached answers (after a revocation this process performed). */
  forgetCached(): void;
}

/** A provider (identity provider, key set, userinfo) could not be asked; the request should be apologised for. */
export class ProviderUnavailableError extends Error {
  /** What could not be reached or understood, for the log (never a token). */
  readonly reason: string;

  constructor(reason: string) {
    super(`token provider unavailable: ${reason}`);
    this.name = 'ProviderUnavailableError';
    this.reason = reason;
  }
}

/** Shorthand for a "not linked" resolution. */
export function notLinked(reason: string): Resolution {
  return { linked: false, reason };
}

/**
 * Where a provider's subject becomes the company's user: the service maps it to a local account; by
 * default the kit uses the provider's subject itself as the user id.
 */
export interface ExternalAccounts {
  /** The company's user for a provider's subject (created on first sight if the company wants), with the profile the provider gave. */
  findOrCreateExternal(provider: string, subject: string, profile: { name?: string; email?: string }): Promise<{ id: string; displayName?: string }>;
}

/** The default {@link ExternalAccounts}: the provider's subject is the user id, its name the display name. */
export const subjectAsUserId: ExternalAccounts = {
  findOrCreateExternal: async (_provider, subject, profile) => ({ id: subject, ...(profile.name !== undefined ? { displayName: profile.name } : {}) }),
};
