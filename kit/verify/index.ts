/**
 * `linkwright/verify`: Alexa request verification for any Node HTTP server. Amazon's rules, in Amazon's
 * order: `Signature-256` over the raw body with the key of a `SignatureCertChainUrl` chain (URL rules,
 * chain to a trusted root, dates, SAN echo-api.amazon.com), then the timestamp within 150 s (an hour for
 * skill events) and the application id. A refused request learns only a generic 400.
 * @packageDocumentation
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RequestEnvelope } from 'ask-sdk-model';
import { type Clock, systemClock } from '../shared/clock';
import { VerificationError } from './errors';
import { type HeaderReader, RequestVerifier } from './request-verifier';
import { SigningCertificates } from './signing-certificates';
import { TrustStore } from './trust-store';

export { VerificationError } from './errors';
export type { Clock } from '../shared/clock';

/** Alexa request bodies are a few kilobytes; a body over this limit is not Alexa's. */
export const ALEXA_BODY_LIMIT_BYTES = 256 * 1024;

/** The body a refused request gets with its 400 (Amazon's certification expects a 400; the reason is logged). */
export const REFUSED_BODY = { error: 'invalid_request', error_description: 'The request could not be verified.' } as const;

/** Options of {@link createAlexaVerifier}. */
export interface AlexaVerifierOptions {
  /** The skill's application id (`amzn1.ask.skill.…`): requests for any other skill are refused. Strongly recommended. */
  applicationId?: string | undefined;
  /** Check signatures (default true). Turn off only in local tests: anyone could then speak as Alexa. */
  verifySignature?: boolean;
  /** Extra PEM roots trusted for the signing chain, besides Node's bundled roots (tests only). */
  trustedRootPems?: readonly string[];
  /** Test only: fetch chains from `${certFetchBase}${path}` instead of the checked Amazon URL. */
  certFetchBase?: string | undefined;
  /** Timeout of one chain download, in milliseconds (default 2000). */
  timeoutMs?: number;
  /** The clock timestamps and certificate dates are checked against (default: the system clock). */
  clock?: Clock;
}

export type { HeaderReader } from './request-verifier';

/** Request headers as node:http gives them, a plain record, or a reader function. */
export type AlexaHeaders = IncomingHttpHeaders | Record<string, string | string[] | undefined> | HeaderReader;

/** A verifier holding its certificate cache; create one per process and reuse it. */
export interface AlexaVerifier {
  /**
   * The verified request envelope for a raw body and its headers; rejects with {@link VerificationError}
   * (whose `reason` names the failed check, for the log only) when the request is not Alexa's for this skill.
   */
  verify(rawBody: Buffer | string, headers: AlexaHeaders): Promise<RequestEnvelope>;
}

/** Builds a verifier; chains are downloaded once and cached (bounded, never beyond their dates). */
export function createAlexaVerifier(options: AlexaVerifierOptions = {}): AlexaVerifier {
  const clock = options.clock ?? systemClock;
  const verifySignature = options.verifySignature ?? true;
  const certificates = verifySignature
    ? new SigningCertificates({ trust: new TrustStore(options.trustedRootPems ?? []), clock, timeoutMs: options.timeoutMs ?? 2000, fetchBase: options.certFetchBase })
    : undefined;
  const verifier = new RequestVerifier({ verifySignature, skillId: options.applicationId }, certificates, clock);
  return {
    verify: (rawBody, headers) => verifier.verify(headerReader(headers), typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody),
  };
}

const verifiers = new WeakMap<AlexaVerifierOptions, AlexaVerifier>();

/**
 * Verifies one request: a function over (raw body, headers, options). The verifier (and its certificate
 * cache) is kept per options object, so pass the same object each time.
 */
export function verifyAlexaRequest(rawBody: Buffer | string, headers: AlexaHeaders, options: AlexaVerifierOptions = {}): Promise<RequestEnvelope> {
  let verifier = verifiers.get(options);
  if (verifier === undefined) {
    verifier = createAlexaVerifier(options);
    verifiers.set(options, verifier);
  }
  return verifier.verify(rawBody, headers);
}

/** What the middleware leaves on the request: the verified envelope as `body`, the exact bytes as `rawBody`. */
export interface VerifiedAlexaRequest extends IncomingMessage {
  /** The verified request envelope. */
  body: RequestEnvelope;
  /** The exact bytes the signature was checked over. */
  rawBody: Buffer;
}

/** Options of {@link alexaVerifierMiddleware}. */
export interface AlexaMiddlewareOptions extends AlexaVerifierOptions {
  /** Told why a request was refused (the caller only sees the generic 400). */
  onRefused?: (reason: string, req: IncomingMessage) => void;
}

/**
 * An express (or connect) middleware for the skill's route: reads the raw body itself (up to 256 kB; a
 * body already read as a Buffer by `express.raw()` is used as is), verifies it, and leaves the envelope
 * in `req.body` and the bytes in `req.rawBody`. Mount it without a JSON body parser in front: the
 * signature is over the exact bytes. Refusals answer 400 with {@link REFUSED_BODY}.
 */
export function alexaVerifierMiddleware(options: AlexaMiddlewareOptions = {}): (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void {
  const verifier = createAlexaVerifier(options);
  return (req, res, next) => {
    const refuse = (reason: string) => {
      options.onRefused?.(reason, req);
      res.statusCode = 400;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      res.end(JSON.stringify(REFUSED_BODY));
    };
    readRawBody(req).then(
      async (raw) => {
        if (raw === undefined) return refuse('body over 256 kB');
        let envelope: RequestEnvelope;
        try {
          envelope = await verifier.verify(raw, req.headers);
        } catch (error) {
          return refuse(error instanceof VerificationError ? error.reason : 'verification failed unexpectedly');
        }
        const verified = req as VerifiedAlexaRequest;
        verified.rawBody = raw;
        verified.body = envelope;
        next();
      },
      () => refuse('body unreadable'),
    );
  };
}

function readRawBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const already = (req as { body?: unknown }).body;
  if (Buffer.isBuffer(already)) return Promise.resolve(already.length > ALEXA_BODY_LIMIT_BYTES ? undefined : already);
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > ALEXA_BODY_LIMIT_BYTES) {
      req.resume();
      return resolve(undefined);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is drained unread, so the 400 can still be written on the socket.
      if (size > ALEXA_BODY_LIMIT_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function headerReader(headers: AlexaHeaders): HeaderReader {
  if (typeof headers === 'function') return headers;
  const lower = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) lower.set(name.toLowerCase(), Array.isArray(value) ? (value[0] ?? '') : value);
  }
  return (name) => lower.get(name.toLowerCase());
}
