/**
 * The few logger methods the kit calls (pino, bunyan, winston and console-like loggers fit). Every line
 * is an object with an `event` name first, then a message; no tokens or secrets are ever logged.
 */
export interface KitLogger {
  /** A normal event (a user resolved, a link answered). */
  info(fields: Record<string, unknown>, message: string): void;
  /** A refused or odd request (a token not linked, an unknown resume outcome). */
  warn(fields: Record<string, unknown>, message: string): void;
  /** Something the company must look at (a provider outage, a revocation that failed). */
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: KitLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
