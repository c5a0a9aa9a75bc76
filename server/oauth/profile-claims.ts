import type { Account } from '../accounts/directory';

/** The names ACCESS_TOKEN_CLAIMS accepts, each standing for one OpenID Connect standard claim. */
export const PROFILE_CLAIM_SETTINGS = ['username', 'email', 'name'] as const;
export type ProfileClaimSetting = (typeof PROFILE_CLAIM_SETTINGS)[number];

/** The profile claims an access token or the userinfo answer may carry (OpenID Connect Core §5.1 names). */
export interface ProfileClaims {
  preferred_username?: string;
  email?: string;
  name?: string;
}

const CLAIM_OF: Record<ProfileClaimSetting, keyof ProfileClaims> = { username: 'preferred_username', email: 'email', name: 'name' };

/** A deliberately plain test: an address with one @ and a dot after it, no spaces. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The profile of an account as claims. `preferred_username` is the sign-in name of a local account, and
 * for an account mirrored from a sign-in source (the company's API, an upstream OpenID Connect
 * provider, Login with Amazon) the user's id there: the id the company's own systems know, rather than
 * our internal `provider:subject` name. `name` is the display name; `email` the account's address (an
 * imported one, the one the source gave, or the sign-in name when it is an address). With `wanted`,
 * only those claims; unknown values are left out rather than sent empty.
 */
export function profileClaimsOf(account: Account, wanted: readonly ProfileClaimSetting[] = PROFILE_CLAIM_SETTINGS): ProfileClaims {
  const known: ProfileClaims = {
    preferred_username: account.external ? account.external.subject : account.username,
    name: account.displayName,
    email: account.email ?? account.external?.email ?? (EMAIL_SHAPE.test(account.username) ? account.username : undefined),
  };
  const claims: ProfileClaims = {};
  for (const setting of wanted) {
    const name = CLAIM_OF[setting];
    const value = known[name];
    if (value !== undefined && value !== '') claims[name] = value;
  }
  return claims;
}
