import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { APP_LINK_ERRORS } from '../app-links/errors';

export type { Logger };

/**
 * Field names the logger itself blanks out, at any depth of a logged object and in any letter case, so
 * a careless call site cannot leak a credential: tokens, codes, secrets, passwords, cookies and
 * authorization headers. (One pass over the object: pino's path-based redaction with wildcards cost
 * about 20 µs a line, more than a token request's own work.)
 */
export const REDACTED_KEYS: ReadonlySet<string> = new Set(
  [
    'password',
    'secret',
    'client_secret',
    'clientSecret',
    'code',
    'code_verifier',
    'codeVerifier',
    'authCode',
    'providerCode',
    'access_token',
    'accessToken',
    'refresh_token',
    'refreshToken',
    'id_token',
    'idToken',
    'token',
    // Alexa's apiAccessToken sits in context.System of every request envelope.
    'apiAccessToken',
    'authorization',
    'cookie',
    'set-cookie',
    'csrf',
  ].map((key) => key.toLowerCase()),
);

/** Deepest level of a logged object that is searched; log objects are shallow, this only bounds cycles. */
const MAX_DEPTH = 8;

/**
 * Error codes the service answers with. They are public constants, so a `code` field holding one of them
 * is kept (a support engineer needs "state_expired", not "[redacted]"); any other `code` is blanked, as it
 * may be an authorization code.
 */
const ERROR_CODES = new Set<string>([
  ...['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'unsupported_response_type'],
  ...['invalid_scope', 'access_denied', 'server_error', 'temporarily_unavailable', 'invalid_token', 'unsupported_token_type', 'login_required'],
  ...['account_conflict', 'account_exists', 'account_unknown', 'csrf_failed', 'invalid_password', 'invalid_username', 'too_many_requests', 'not_found'],
  ...Object.keys(APP_LINK_ERRORS),
]);

/** What a redacted field is replaced with: a known error code under `code` stays, everything else is blanked. */
function censor(key: string, value: unknown): unknown {
  return key === 'code' && typeof value === 'string' && ERROR_CODES.has(value) ? value : '[redacted]';
}

/** A copy of `value` with every secret field blanked; the same object when there is nothing to blank. */
export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const next = redact(item, depth + 1);
      if (next !== item) (copy ??= [...value])[index] = next;
    });
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  // Errors and other class instances go to pino's serializers as they are; only plain data is walked.
  if (prototype !== Object.prototype && prototype !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const next = REDACTED_KEYS.has(key.toLowerCase()) ? censor(key, item) : redact(item, depth + 1);
    if (next !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = next;
  }
  return copy ?? value;
}

/**
 * The request a piece of code is working for. Every line logged while serving a request carries its id,
 * whichever logger the code holds (the service's, or one a module kept), so no module has to pass a
 * request logger down its calls.
 */
export const requestScope = new AsyncLocalStorage<{ reqId: string }>();

/**
 * Creates the service's logger: JSON lines, or with `pretty` (development at a terminal) the same lines
 * made readable by pino-pretty; production never asks for pretty, so log shippers always get JSON.
 * `destination` lets tests capture lines (and, with `pretty`, the readable text).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, options: { pretty?: boolean } = {}): Logger {
  const pinoOptions: pino.LoggerOptions = {
    level,
    mixin: () => {
      const scope = requestScope.getStore();
      return scope ? { reqId: scope.reqId } : {};
    },
    base: { service: 'linkwright' },
    formatters: {
      log: (object) => redact(object) as Record<string, unknown>,
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const target = options.pretty
    ? pinoPretty({ colorize: destination === undefined, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', singleLine: true, sync: true, ...(destination ? { destination } : {}) })
    : destination;
  const logger = target ? pino(pinoOptions, target) : pino(pinoOptions);
  // pino formats only the root's bindings; children (created from the root, so they inherit this
  // override) get their bindings redacted here before pino serialises them.
  const createChild = Object.getPrototypeOf(logger).child as Logger['child'];
  logger.child = function child(this: Logger, bindings, childOptions) {
    return createChild.call(this, redact(bindings) as typeof bindings, childOptions);
  } as Logger['child'];
  return logger;
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
