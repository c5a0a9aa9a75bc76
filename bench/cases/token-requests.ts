import type autocannon from 'autocannon';
import { BENCH_BASIC_AUTH, BENCH_REDIRECT_URI } from '../lib/constants';
import type { LoadPlan } from '../lib/load';

const FORM_HEADERS = { authorization: BENCH_BASIC_AUTH, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };

/** A successful token response carries both tokens (Alexa needs the refresh token to keep the link). */
export function isTokenResponse(status: number, body: string): boolean {
  return status === 200 && body.includes('"access_token"') && body.includes('"refresh_token"');
}

/**
 * The refresh_token grant with rotation: connection i starts from pool[i] and always sends the
 * newest refresh token it was given, as Alexa does for one user. A failed refresh leaves the chain
 * on its old token, so the failure shows up in the error count of every later request too.
 */
export function refreshChainPlan(path: string, pool: string[]): LoadPlan {
  return {
    check: isTokenResponse,
    requests: (connection, control): autocannon.Request[] => {
      let token = pool[connection];
      if (token === undefined) {
        control.exhausted();
        token = 'pool-exhausted';
      }
      return [
        {
          method: 'POST',
          path,
          headers: FORM_HEADERS,
          setupRequest: (request) => ({ ...request, body: `grant_type=refresh_token&refresh_token=${encodeURIComponent(token as string)}` }),
          onResponse: (status, body) => {
            if (status !== 200) return;
            const next = (JSON.parse(body) as { refresh_token?: unknown }).refresh_token;
            if (typeof next === 'string') token = next;
          },
        },
      ];
    },
  };
}

/**
 * The authorization_code grant: every request redeems the next unused pre-minted code (the pool is
 * shared by all connections). If the pool runs dry the run is stopped and flagged, never padded.
 */
export function codeExchangePlan(path: string, codes: string[]): LoadPlan {
  let next = 0;
  return {
    check: isTokenResponse,
    requests: (_connection, control): autocannon.Request[] => [
      {
        method: 'POST',
        path,
        headers: FORM_HEADERS,
        setupRequest: (request) => {
          const code = codes[next++];
          if (code === undefined) control.exhausted();
          const form = `grant_type=authorization_code&code=${encodeURIComponent(code ?? 'pool-exhausted')}&redirect_uri=${encodeURIComponent(BENCH_REDIRECT_URI)}`;
          return { ...request, body: form };
        },
      },
    ],
  };
}
