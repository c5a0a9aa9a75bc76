import type { Logger } from '../log';

/** A refused token request as the endpoint describes it: the error code answered and which check failed (log only). */
export interface TokenRefusal {
  code: string;
  reason: string;
}

/** A refusal in a support engineer's terms, for the refusal's log line. */
export interface TokenRefusalAdvice {
  category: string;
  advice: string;
}

/** Who and what a refusal involved, as far as the endpoint had understood the request. */
export interface TokenRefusalContext {
  clientId: string | undefined;
  req: { id: string; log: Logger };
  error: unknown;
}

/** The client id and redirect URI a token request named (either may be absent). */
export interface TokenSighting {
  clientId: string | undefined;
  redirectUri: string | undefined;
}

/**
 * What the token endpoint tells whoever watches it. The endpoint owns this interface so that it imports
 * nothing of the diagnostics observing it (server/ops/ implements it; server/hot-routes.ts passes it in).
 * It is called on the hot path: implementations are built once, stay synchronous and never throw.
 */
export interface TokenEndpointObserver {
  /** Category and advice for a refusal's log line; undefined when no one explains refusals. */
  explain(refusal: TokenRefusal): TokenRefusalAdvice | undefined;
  /** Every answered request: the grant type it named, `issued` or the error code, and its duration. */
  answered(grantType: string | undefined, outcome: string, seconds: number): void;
  /** What a request (answered or refused) named. */
  sighted(sighting: TokenSighting): void;
  /** A refusal, recorded as a linking failure; settles once recorded and never rejects. */
  refused(refusal: TokenRefusal, context: TokenRefusalContext): Promise<unknown>;
}

const RECORDED: Promise<unknown> = Promise.resolve();

/** The observer of an endpoint no one watches (an embedding, a test of the endpoint alone). */
export const UNOBSERVED_TOKEN_ENDPOINT: TokenEndpointObserver = {
  explain: () => undefined,
  answered: () => {},
  sighted: () => {},
  refused: () => RECORDED,
};
