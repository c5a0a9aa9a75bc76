import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { OAuthError, ServiceError } from '../errors';
import { bodyBytes, readBodyWithin } from '../http/body-limit';
import type { HeaderGetter } from './client-auth';
import { ParamSet } from './params';

const FORM_TYPE = 'application/x-www-form-urlencoded';
const parsedForms = new WeakMap<Request, ParamSet>();

/**
 * Middleware that accepts only an application/x-www-form-urlencoded body of at most `limitBytes` and
 * parses it strictly (see ParamSet), exactly as the token endpoint's hot route does (parseFormBody).
 * Wrong content type → invalid_request before reading; a body over the limit, declared or not → 413 at
 * once (readBodyWithin); one that does not match its Content-Encoding → 400; an encoding or charset we
 * do not read → 415. Read the result with formParams(req).
 */
export function formBody(limitBytes: number): RequestHandler[] {
  return [
    (req: Request, _res: Response, next: NextFunction) => {
      if (req.is(FORM_TYPE) !== FORM_TYPE) {
        next(wrongContentType(req.get('content-type')));
        return;
      }
      next();
    },
    ...readBodyWithin(limitBytes),
    (req: Request, _res: Response, next: NextFunction) => {
      parsedForms.set(req, parseFormBody(bodyBytes(req), (name) => req.get(name), limitBytes));
      next();
    },
  ];
}

/** The form parsed by formBody for this request. */
export function formParams(req: Request): ParamSet {
  const form = parsedForms.get(req);
  if (!form) throw new Error('formParams called on a route without formBody');
  return form;
}

/**
 * formBody for a body already read (a hot route, server/http/hot-routes.ts): the same content-type
 * check and wording, Content-Encoding undone (gzip, deflate, br) within `limitBytes`, the charset
 * honoured, and the same strict parse. Throws a ServiceError: invalid_request (400) for the wrong
 * content type or a corrupt compressed body, 413 when inflating passes the limit, 415 for an encoding
 * or charset we do not read.
 */
export function parseFormBody(body: Buffer, header: HeaderGetter, limitBytes: number): ParamSet {
  const contentType = header('content-type');
  const semicolon = contentType === undefined ? -1 : contentType.indexOf(';');
  const mediaType = contentType === undefined ? '' : (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType !== FORM_TYPE) throw wrongContentType(contentType);
  const encoding = semicolon === -1 ? 'utf8' : charsetOf(contentType as string);
  if (encoding === undefined) throw new ServiceError('invalid_request', 415, 'The request body encoding is not supported.', `unsupported charset in "${(contentType as string).slice(0, 100)}"`);
  return ParamSet.parse(inflate(body, header('content-encoding'), limitBytes).toString(encoding));
}

function wrongContentType(received: string | undefined): OAuthError {
  return new OAuthError(
    'invalid_request',
    `The request body must be ${FORM_TYPE}${received ? `, not ${received.split(';')[0]}` : ''}.`,
    400,
    `wrong content type: ${received ?? '(none)'}`,
  );
}

/**
 * The Buffer encoding for the declared charset (UTF-8 when none is declared); undefined for one we do not
 * read. Form bodies are ASCII (RFC 6749 Appendix B percent-encodes UTF-8), so these cover every real client.
 */
function charsetOf(contentType: string): BufferEncoding | undefined {
  const declared = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType)?.[1]?.toLowerCase();
  if (declared === undefined || declared === 'utf-8' || declared === 'utf8') return 'utf8';
  if (declared === 'us-ascii' || declared === 'ascii' || declared === 'iso-8859-1' || declared === 'latin1') return 'latin1';
  return undefined;
}

/** Undoes a Content-Encoding as body-parser does; the limit applies to the inflated size too (413). */
export function inflate(body: Buffer, contentEncoding: string | undefined, limitBytes: number): Buffer {
  const coding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity') return body;
  const options = { maxOutputLength: limitBytes };
  try {
    switch (coding) {
      case 'gzip':
        return gunzipSync(body, options);
      case 'deflate':
        return inflateSync(body, options);
      case 'br':
        return brotliDecompressSync(body, options);
      default:
        throw new ServiceError('invalid_request', 415, 'The request body encoding is not supported.', `unsupported content encoding "${coding.slice(0, 40)}"`);
    }
  } catch (error) {
    if (error instanceof ServiceError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new ServiceError('invalid_request', 413, 'The request body is too large.');
    throw new ServiceError('invalid_request', 400, 'The request body could not be decoded: it does not match its Content-Encoding.', `could not decode the ${coding} body: ${(error as Error).message}`);
  }
}
