/**
 * The few logger methods the kit calls (pino, bunyan, winston and console-like loggers fit). Every line
 * is an object with an `event` name first, then a message; no tokens or secrets are ever logged.
 */
export interface KitLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** A logger that drops everything (the default). */
export const silentLogger: KitLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
