import type { Services } from '../services';
import type { SkillSettings } from '../skill/settings';
import { BuiltinTokenResolver } from './builtin-resolver';
import { JwksKeySet, LwaTokenResolver, OidcTokenResolver, type TokenResolver } from '../../kit/linking';
import { VerifiedTokenCache } from './verified-tokens';

/** What a caller of createTokenResolver may add. */
export interface TokenResolverExtras {
  /** The built-in provider reads a user's display name beside its revocation check (see BuiltinTokenResolver). */
  displayNameOf?: (userId: string) => Promise<string | undefined>;
}

/** Builds the token resolver SKILL_LINKING_PROVIDER chooses. */
export function createTokenResolver(services: Services, skill: SkillSettings, extras: TokenResolverExtras = {}): TokenResolver {
  switch (skill.linkingProvider) {
    case 'lwa':
      return new LwaTokenResolver({
        profileUrl: services.settings.amazon.lwaProfileUrl,
        timeoutMs: services.settings.amazon.timeoutMs,
        cacheSec: skill.lwaProfileCacheSec,
        accounts: services.accounts,
        clock: services.clock,
      });
    case 'oidc': {
      const oidc = skill.oidc;
      // parseSkillSettings refuses provider=oidc without these, so this only guards hand-built settings.
      if (!oidc) throw new Error('SKILL_LINKING_PROVIDER=oidc needs OIDC_ISSUER, OIDC_JWKS_URL and OIDC_AUDIENCE');
      const keys = new JwksKeySet({
        url: oidc.jwksUrl,
        timeoutMs: oidc.timeoutMs,
        clock: services.clock,
        allowedAlgorithms: oidc.algorithms,
        minRefreshMs: oidc.jwksMinRefreshSec * 1000,
        maxAgeMs: oidc.jwksMaxAgeSec * 1000,
        onEvent: (event, detail) => services.log.info({ event, ...detail }, 'OIDC key set'),
      });
      return new OidcTokenResolver(oidc, keys, services.accounts, services.clock);
    }
    case 'builtin':
      // The revocation answers are the process's one cache, subscribed to every revocation at composition (createServices).
      return new BuiltinTokenResolver(
        services.accessTokens, services.revocationAnswers, services.clients.alexaClientIds(), new VerifiedTokenCache(services.clock),
        undefined,
        extras.displayNameOf,
      );
  }
}
