import type { TokenResolver } from '../../kit/ask-sdk';
import type { SkillEndpointObserver } from '../skill/skill-endpoint-observer';
import type { Ops } from './ops';

/** The skill endpoint's observer for server/hot-routes.ts: request metrics, resolutions and their failures. */
export function skillEndpointObserver(ops: Ops): SkillEndpointObserver {
  const metrics = ops.metrics;
  return {
    watchResolver: (resolver) => observedResolver(resolver, ops),
    answered: (type, outcome, seconds) => metrics.skillRequest(type, outcome, seconds),
  };
}

/**
 * Wraps the skill's token resolver so every resolution is counted, and every token that does not resolve
 * (expired, revoked, forged, refused by the provider) is recorded as a linking failure of the skill step.
 * The resolver's own "skill.token_not_linked" log line stays the one line about it.
 */
export function observedResolver(resolver: TokenResolver, ops: Ops): TokenResolver {
  return {
    provider: resolver.provider,
    forgetCached: () => resolver.forgetCached(),
    async resolve(token, options) {
      let resolution;
      try {
        resolution = await resolver.resolve(token, options);
      } catch (error) {
        ops.metrics.tokenResolution(resolver.provider, 'provider_error');
        throw error;
      }
      if (resolution.linked) {
        ops.metrics.tokenResolution(resolver.provider, 'linked');
      } else {
        ops.metrics.tokenResolution(resolver.provider, 'not_linked');
        await ops.linkingFailed('skill', { code: 'not_linked', reason: `${resolver.provider}: ${resolution.reason}` });
      }
      return resolution;
    },
  };
}
