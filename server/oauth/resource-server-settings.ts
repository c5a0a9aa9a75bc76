import type { EnvReader } from '../config/env';
import { PROFILE_CLAIM_SETTINGS, type ProfileClaimSetting } from './profile-claims';

/** What resource servers (the company's APIs, a skill hosted elsewhere) are given to work with. */
export interface ResourceServerSettings {
  /** Profile claims our access tokens carry besides `sub` (ACCESS_TOKEN_CLAIMS); none by default. */
  accessTokenClaims: ProfileClaimSetting[];
  /** Credentials a resource server uses for POST /oauth/introspect only (it can obtain no token with them). */
  introspectionClient: { id: string; secret: string } | undefined;
}

/** Reads ACCESS_TOKEN_CLAIMS and INTROSPECTION_CLIENT_ID/SECRET. */
export function readResourceServerSettings(read: EnvReader, production: boolean, alexaClientId: string): ResourceServerSettings {
  const accessTokenClaims: ProfileClaimSetting[] = [];
  for (const item of read.list('ACCESS_TOKEN_CLAIMS')) {
    const name = item.toLowerCase();
    if (!(PROFILE_CLAIM_SETTINGS as readonly string[]).includes(name)) {
      read.problem(`ACCESS_TOKEN_CLAIMS: "${item}" is not one of ${PROFILE_CLAIM_SETTINGS.join(', ')}`);
    } else if (!accessTokenClaims.includes(name as ProfileClaimSetting)) {
      accessTokenClaims.push(name as ProfileClaimSetting);
    }
  }

  const id = read.string('INTROSPECTION_CLIENT_ID');
  const secret = read.string('INTROSPECTION_CLIENT_SECRET');
  let introspectionClient: ResourceServerSettings['introspectionClient'];
  if (id === undefined && secret === undefined) {
    introspectionClient = undefined;
  } else if (id === undefined || secret === undefined) {
    read.problem('INTROSPECTION_CLIENT_ID and INTROSPECTION_CLIENT_SECRET are set together or not at all');
  } else if (id === alexaClientId) {
    read.problem('INTROSPECTION_CLIENT_ID must differ from OAUTH_CLIENT_ID (a resource server gets its own credentials)');
  } else if (production && secret.length < 24) {
    read.problem('INTROSPECTION_CLIENT_SECRET is too short (use at least 24 random characters)');
  } else {
    introspectionClient = { id, secret };
  }
  return { accessTokenClaims, introspectionClient };
}
