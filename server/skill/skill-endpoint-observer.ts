import type { ResponseEnvelope } from 'ask-sdk-model';
import { isLinkAnswer, type TokenResolver } from '../../kit/ask-sdk';

/** What a skill request amounted to: an answer, a request to link, an apology, or a refusal before the skill ran. */
export type SkillRequestOutcome = 'ok' | 'link_required' | 'apologised' | 'refused';

/**
 * What the skill endpoint tells whoever watches it. The endpoint owns this interface so that it imports
 * nothing of the diagnostics observing it (server/ops/ implements it; server/hot-routes.ts passes it in).
 * `answered` is called on the hot path: implementations are built once, stay synchronous and never throw.
 */
export interface SkillEndpointObserver {
  /** Wraps the skill's token resolver, once at startup, to watch every resolution; may return it as it is. */
  watchResolver(resolver: TokenResolver): TokenResolver;
  /** Every answered request: its type (`unverified` when refused before the skill ran), outcome and duration. */
  answered(type: string, outcome: SkillRequestOutcome, seconds: number): void;
}

/** The observer of an endpoint no one watches (an embedding, a test of the endpoint alone). */
export const UNOBSERVED_SKILL_ENDPOINT: SkillEndpointObserver = {
  watchResolver: (resolver) => resolver,
  answered: () => {},
};

/**
 * What a skill answer amounted to: asked the user to link (LinkAccount card or voice-forward linking),
 * apologised (the skill's error handler says so on the invocation context), or an ordinary answer.
 */
export function skillOutcome(response: ResponseEnvelope, apologised: boolean): Exclude<SkillRequestOutcome, 'refused'> {
  if (apologised) return 'apologised';
  return isLinkAnswer(response.response) ? 'link_required' : 'ok';
}
