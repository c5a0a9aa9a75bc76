import pino, { type Logger } from 'pino';

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

/** Creates the service's JSON logger; `destination` lets tests capture lines. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'linkwright' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing, for tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
