import type { AppLinksObserver } from '../../app-links/observer';
import type { Ops } from './ops';

/** The app-to-app companion's observer for server/app.ts: step and Amazon-call metrics, linking failures. */
export function appLinksObserver(ops: Ops): AppLinksObserver {
  const metrics = ops.metrics;
  return {
    amazonCall: (call, status, seconds) => metrics.amazonCall(call, status, seconds),
    answered: (step, outcome) => metrics.appLinkStep(step, outcome),
    refused: (refusal, context) => ops.linkingFailed('app_links', refusal, context),
  };
}
