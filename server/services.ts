import { AccountDirectory } from './accounts/directory';
import type { Clock } from './clock';
import type { Settings } from './config/settings';
import { RevocationCache } from './identity/revocation-cache';
import type { Logger } from './log';
import { AccessTokens } from './oauth/access-tokens';
import { ClientRegistry } from './oauth/clients';
import { AuthorizationCodes } from './oauth/codes';
import { Grants } from './oauth/grants';
import { KeyRing } from './oauth/keys';
import { profileClaimsOf } from './oauth/profile-claims';
import { RefreshTokens } from './oauth/refresh-tokens';
import { Revocations } from './oauth/revocations';
import type { Store } from './store';

/** The domain objects every face works with, built once per process. */
export interface Services {
  settings: Settings;
  store: Store;
  clock: Clock;
  log: Logger;
  keys: KeyRing;
  clients: ClientRegistry;
  accounts: AccountDirectory;
  codes: AuthorizationCodes;
  refreshTokens: RefreshTokens;
  accessTokens: AccessTokens;
  revocations: Revocations;
  /** Revocation answers for our access tokens, cached for the skill's resolver; told of every revocation made here. */
  revocationAnswers: RevocationCache;
  grants: Grants;
}

/** Wires the domain from settings; `keys` may be passed in (tests, or keys generated once at start). */
export function createServices(settings: Settings, deps: { store: Store; clock: Clock; log: Logger; keys?: KeyRing }): Services {
  const { store, clock, log } = deps;
  const oauth = settings.oauth;
  const keys = deps.keys ?? (oauth.signingKeyPems.length > 0 ? KeyRing.fromPems(oauth.signingKeyPems) : KeyRing.generate());

  const clients = ClientRegistry.fromSettings(oauth.clients, { alexaPlus: settings.addon.resourceUrl });
  // No redirect URI and no grant of its own: this client can introspect, and obtain or revoke nothing.
  if (oauth.introspectionClient) clients.register({ ...oauth.introspectionClient, redirectUris: [], scopes: [], kind: 'service', grantTypes: [] });

  const accounts = new AccountDirectory(store, clock);
  // A user's grants are listed in their account (no key of their own per user).
  const refreshTokens = new RefreshTokens(
    store,
    clock,
    { lifetimeSec: oauth.refreshLifetimeSec, idleTtlSec: oauth.refreshIdleTtlSec, graceSec: oauth.refreshGraceSec },
    log,
    accounts,
  );
  const revocations = new Revocations(store, refreshTokens, oauth.accessTokenTtlSec, log);
  const revocationAnswers = new RevocationCache(revocations, clock, settings.skill.revocationCacheMs);
  // The revocation domain announces every revocation this process makes; the cache listens (the domain knows no cache).
  revocations.onRevoked(({ familyId }) => revocationAnswers.forget(familyId));
  const codes = new AuthorizationCodes(store, clock, oauth.authCodeTtlSec, (familyId, reason) => revocations.revokeFamily(familyId, reason));
  const accessTokens = new AccessTokens(keys, settings.publicUrl, oauth.accessTokenTtlSec, clock, (clientId) => clients.find(clientId)?.audience);
  const claims = oauth.accessTokenClaims;
  const profileOf = claims.length === 0 ? undefined : async (userId: string) => {
    const account = await accounts.get(userId);
    return account ? profileClaimsOf(account, claims) : {};
  };
  const grants = new Grants(codes, refreshTokens, accessTokens, profileOf);

  return { settings, store, clock, log, keys, clients, accounts, codes, refreshTokens, accessTokens, revocations, revocationAnswers, grants };
}
