import type { Logger } from '../server/log';

/** A refused app-to-app step as the companion describes it: the error code answered and which check failed. */
export interface AppLinkRefusal {
  code: string;
  reason: string;
}

/** Who a refusal involved, as far as the step had understood the request. */
export interface AppLinkRefusalContext {
  userId: string | undefined;
  req: { id: string; log: Logger };
  error: unknown;
}

/**
 * What the app-to-app companion tells whoever watches it. The companion owns this interface so that it
 * imports nothing of the diagnostics observing it (server/ops/ implements it; server/app.ts passes it in).
 * Implementations are built once, stay synchronous (but for `refused`'s record) and never throw.
 */
export interface AppLinksObserver {
  /** Every attempt of a call to Amazon: the call's name, the HTTP status (undefined when none came back), its seconds. */
  amazonCall(call: string, status: number | undefined, seconds: number): void;
  /** Every answered request of a step: `ok`, the error code, or `http_<status>`. */
  answered(step: string, outcome: string): void;
  /** A refused linking step, recorded as a linking failure; settles once recorded and never rejects. */
  refused(refusal: AppLinkRefusal, context: AppLinkRefusalContext): Promise<unknown>;
}

const RECORDED: Promise<unknown> = Promise.resolve();

/** The observer of a companion no one watches (an embedding, a test of the companion alone). */
export const UNOBSERVED_APP_LINKS: AppLinksObserver = {
  amazonCall: () => {},
  answered: () => {},
  refused: () => RECORDED,
};
