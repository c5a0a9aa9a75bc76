import type { TokenEndpointObserver } from '../oauth/token-endpoint-observer';
import type { Ops } from './ops';

/** The token endpoint's observer for server/hot-routes.ts: request metrics, the traffic record, linking failures. */
export function tokenEndpointObserver(ops: Ops): TokenEndpointObserver {
  const metrics = ops.metrics;
  return {
    explain: (refusal) => ops.explain('token', refusal),
    answered: (grantType, outcome, seconds) => metrics.tokenRequest(grantType, outcome, seconds),
    sighted: (sighting) => ops.sighted('token', sighting),
    refused: (refusal, context) => ops.linkingFailed('token', refusal, context),
  };
}
