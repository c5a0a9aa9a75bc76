import type { Response } from 'express';
import type { ServiceError } from '../errors';

/** RFC 6749 §5.1: token responses (and their errors) must never be cached. */
export function noStore(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

/** The challenge sent with 401 answers; clients authenticate with HTTP Basic (or in the body). */
export const BASIC_CHALLENGE = 'Basic realm="linkwright", charset="UTF-8"';

/** Sends an RFC 6749 §5.2 error body with the headers its status calls for. */
export function sendOAuthError(res: Response, error: ServiceError): void {
  noStore(res);
  if (error.status === 401) res.setHeader('WWW-Authenticate', BASIC_CHALLENGE);
  if (error.status === 503) res.setHeader('Retry-After', '5');
  res.status(error.status).json({
    error: error.code,
    // temporarily_unavailable descriptions are written for the caller (retry advice), never internals.
    error_description: error.expose || error.code === 'temporarily_unavailable' ? error.description : 'The server could not complete the request.',
  });
}
