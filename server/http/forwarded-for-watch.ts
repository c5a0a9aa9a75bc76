import type { IncomingMessage } from 'node:http';
import type { Logger } from '../log';

/**
 * In production without TRUST_PROXY, a request carrying X-Forwarded-For means a proxy stands in front
 * while the service takes the proxy's address for every client: the per-address sign-in limit then
 * counts all users as one (one user can lock everyone out of signing in). Says so once, as a warning;
 * the header itself is still ignored, since trusting it without TRUST_PROXY would let any client forge
 * its address. Returns undefined when there is nothing to watch.
 */
export function forwardedForWatch(settings: { production: boolean; trustProxy: string | undefined }, log: Logger): ((req: IncomingMessage) => void) | undefined {
  if (!settings.production || settings.trustProxy !== undefined) return undefined;
  let warned = false;
  return (req) => {
    if (warned || req.headers['x-forwarded-for'] === undefined) return;
    warned = true;
    log.warn(
      {
        event: 'proxy.trust_proxy_unset',
        advice: 'set TRUST_PROXY to the number of proxies in front of the service (or their addresses) so client addresses come from X-Forwarded-For',
      },
      'requests arrive through a proxy (X-Forwarded-For) but TRUST_PROXY is unset: every client looks like the proxy',
    );
  };
}
