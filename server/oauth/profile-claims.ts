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
 * The profile of an account as claims: `preferred_username` is the sign-in name, `name` the display
 * name, `email` the address the identity provider gave (accounts from another provider) or the sign-in
 * name when it is an e-mail address (local accounts sign in with their address). With `wanted`, only
 * those claims; unknown values are left out rather than sent empty.
 */
export function profileClaimsOf(account: Account, wanted: readonly ProfileClaimSetting[] = PROFILE_CLAIM_SETTINGS): ProfileClaims {
  const known: ProfileClaims = {
    preferred_username: account.username,
    name: account.displayName,
    email: account.external?.email ?? (EMAIL_SHAPE.test(account.username) ? account.username : undefined),
  };
  const claims: ProfileClaims = {};
  for (const setting of wanted) {
    const name = CLAIM_OF[setting];
    const value = known[name];
    if (value !== undefined && value !== '') claims[name] = value;
  }
  return claims;
}
