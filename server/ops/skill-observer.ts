import type { ResponseEnvelope } from 'ask-sdk-model';
import { isLinkAnswer, type TokenResolver } from '../../kit/ask-sdk';
import type { SkillRequestOutcome } from './metrics';
import type { Ops } from './ops';

/**
 * Wraps the skill's token resolver so every resolution is counted, and every token that does not resolve
 * (expired, revoked, forged, refused by the provider) is recorded as a linking failure of the skill step.
 * The resolver's own "skill.token_not_linked" log line stays the one line about it.
 */
export function observedResolver(resolver: TokenResolver, ops: Ops): TokenResolver {
  return {
    provider: resolver.provider,
    forgetCached: () => resolver.forgetCached(),
    async resolve(token) {
      let resolution;
      try {
        resolution = await resolver.resolve(token);
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

/**
 * What a skill answer amounted to: asked the user to link (LinkAccount card or voice-forward linking),
 * apologised (the skill's error handler says so on the invocation context), or an ordinary answer.
 */
export function skillOutcome(response: ResponseEnvelope, apologised: boolean): Exclude<SkillRequestOutcome, 'refused'> {
  if (apologised) return 'apologised';
  return isLinkAnswer(response.response) ? 'link_required' : 'ok';
}
