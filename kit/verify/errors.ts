/**
 * A request that must not be served: the signature, certificate, timestamp, application id or shape
 * is wrong. `reason` names the failed check for the log; the caller only ever sees a generic 400.
 */
export class VerificationError extends Error {
  /** The failed check, for the log only. */
  readonly reason: string;

  constructor(reason: string) {
    super(`request verification failed: ${reason}`);
    this.name = 'VerificationError';
    this.reason = reason;
  }
}
