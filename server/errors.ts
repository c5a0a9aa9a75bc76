/**
 * One place for the errors the service raises on purpose. Each carries the OAuth error code (or a
 * service code), the HTTP status, and a description that is safe to show the caller. The `reason`
 * is for the log only: it may name which check failed, never a secret.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'login_required'
  /** RFC 8707 §2: the `resource` asked for is not one this server issues tokens for. */
  | 'invalid_target';

export class ServiceError extends Error {
  /** Whether the description may be shown to the caller (only client errors are). */
  readonly expose: boolean;

  constructor(
    readonly code: string,
    readonly status: number,
    readonly description: string,
    readonly reason: string = description,
  ) {
    super(`${code}: ${description}`);
    this.name = 'ServiceError';
    this.expose = status < 500;
  }
}

/** An RFC 6749 error: the code is one of the registered OAuth error codes. */
export class OAuthError extends ServiceError {
  constructor(code: OAuthErrorCode, description: string, status = defaultStatus(code), reason?: string) {
    super(code, status, description, reason ?? description);
    this.name = 'OAuthError';
  }
}

/** The store could not be reached; callers answer 503 and nothing is half-written. */
export class StoreUnavailableError extends ServiceError {
  constructor(reason: string) {
    super('temporarily_unavailable', 503, 'The service is temporarily unavailable; try again shortly.', reason);
    this.name = 'StoreUnavailableError';
  }
}

function defaultStatus(code: OAuthErrorCode): number {
  switch (code) {
    case 'invalid_client':
    case 'invalid_token':
      return 401;
    case 'access_denied':
    case 'insufficient_scope':
      return 403;
    case 'server_error':
      return 500;
    case 'temporarily_unavailable':
      return 503;
    default:
      return 400;
  }
}
