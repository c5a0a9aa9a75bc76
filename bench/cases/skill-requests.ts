import { launchRequestBody } from '../lib/alexa-request';
import type { LoadPlan } from '../lib/load';

/** A skill answer that speaks (not a LinkAccount card): the token was accepted. */
export function isSpokenAnswer(status: number, body: string): boolean {
  return status === 200 && body.includes('"outputSpeech"') && !body.includes('"LinkAccount"');
}

/** A skill answer with the LinkAccount card: no usable token. */
export function isLinkCardAnswer(status: number, body: string): boolean {
  return status === 200 && body.includes('"LinkAccount"');
}

/**
 * Each connection sends its own envelope (own requestId and user), built — and signed, when a
 * signer is given — when the run starts and rebuilt each minute (verifiers accept 150 s of clock
 * skew), so even a long soak stays valid. Between rebuilds the request is a prebuilt buffer: the
 * load generator spends nothing per request on it.
 */
export function launchPlan(path: string, token: string | undefined, check: LoadPlan['check'], sign?: (body: string) => Record<string, string>): LoadPlan {
  return {
    check,
    renewEveryMs: 60_000,
    requests: (connection) => {
      const body = launchRequestBody(token, String(connection));
      return [{ method: 'POST', path, body, headers: { 'content-type': 'application/json; charset=utf-8', ...(sign ? sign(body) : {}) } }];
    },
  };
}
