import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type Logger } from 'pino';
import { APP_LINK_ERRORS } from '../app-links/errors';

export type { Logger };

/**
 * Paths the logger itself blanks out, so a careless call site cannot leak a credential: tokens,
 * codes, secrets, passwords and authorization headers, wherever they sit in a logged object.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'client_secret',
  '*.client_secret',
  'clientSecret',
  '*.clientSecret',
  'code',
  '*.code',
  'code_verifier',
  '*.code_verifier',
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'refresh_token',
  '*.refresh_token',
  'refreshToken',
  '*.refreshToken',
  'token',
  '*.token',
  'authCode',
  '*.authCode',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'csrf',
  '*.csrf',
  'codeVerifier',
  '*.codeVerifier',
  'id_token',
  '*.id_token',
  'idToken',
  '*.idToken',
  'providerCode',
  '*.providerCode',
  // Alexa's apiAccessToken sits in context.System of every request envelope.
  'apiAccessToken',
  '*.apiAccessToken',
  'context.System.apiAccessToken',
  'cookie',
  '*.cookie',
  'headers["set-cookie"]',
  '*.headers["set-cookie"]',
];

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

/** What a redacted path is replaced with: a known error code under `code` stays, everything else is blanked. */
function censor(value: unknown, path: string[]): unknown {
  return path[path.length - 1] === 'code' && typeof value === 'string' && ERROR_CODES.has(value) ? value : '[redacted]';
}

/**
 * The request a piece of code is working for. Every line logged while serving a request carries its id,
 * whichever logger the code holds (the service's, or one a module kept), so no module has to pass a
 * request logger down its calls.
 */
export const requestScope = new AsyncLocalStorage<{ reqId: string }>();

/** Creates the service's JSON logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    mixin: () => {
      const scope = requestScope.getStore();
      return scope ? { reqId: scope.reqId } : {};
    },
    base: { service: 'linkwright' },
    redact: { paths: REDACTED_PATHS, censor },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
