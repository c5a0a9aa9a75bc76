import type { Response } from 'express';
import type { ServiceError } from '../errors';

/** RFC 6749 §5.1: token responses (and their errors) must never be cached. */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });

/** Sets the no-store headers of RFC 6749 §5.1 on an express response. */
export function noStore(res: Response): void {
  for (const [name, value] of Object.entries(NO_STORE_HEADERS)) res.setHeader(name, value);
}

/** The challenge sent with 401 answers; clients authenticate with HTTP Basic (or in the body). */
export const BASIC_CHALLENGE = 'Basic realm="linkwright", charset="UTF-8"';

/** An RFC 6749 §5.2 error answer, whichever server sends it: status, headers and JSON body. */
export interface OAuthErrorAnswer {
  status: number;
  headers: Record<string, string>;
  json: { error: string; error_description: string };
}

/** The §5.2 error answer for an error: no-store, a Basic challenge on 401, Retry-After on 503. */
export function oauthErrorAnswer(error: ServiceError): OAuthErrorAnswer {
  const headers: Record<string, string> = { ...NO_STORE_HEADERS };
  if (error.status === 401) headers['WWW-Authenticate'] = BASIC_CHALLENGE;
  if (error.status === 503) headers['Retry-After'] = '5';
  return {
    status: error.status,
    headers,
    json: {
      error: error.code,
      // temporarily_unavailable descriptions are written for the caller (retry advice), never internals.
      error_description: error.expose || error.code === 'temporarily_unavailable' ? error.description : 'The server could not complete the request.',
    },
  };
}

/** Sends an RFC 6749 §5.2 error body with the headers its status calls for. */
export function sendOAuthError(res: Response, error: ServiceError): void {
  const answer = oauthErrorAnswer(error);
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.status(answer.status).json(answer.json);
}
