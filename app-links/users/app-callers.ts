import jwt from 'jsonwebtoken';
import { invalidToken, type AppUser, type RequestHeader, type UserTokenVerifier } from './user-tokens';

/**
 * Every kind of app-links caller behind one bearer check: a token of ours (our issuer in `iss`: the app's
 * own session or a service token, OurTokenVerifier) or, when the accounts live in an identity provider,
 * that provider's token (ProviderTokenVerifier). The issuer is only read to choose the verifier; the
 * chosen one checks everything, signature first.
 */
export class AppCallers implements UserTokenVerifier {
  constructor(
    private readonly issuer: string,
    private readonly ours: UserTokenVerifier,
    private readonly provider: UserTokenVerifier | undefined,
  ) {}

  /** The user the token (and, for a service token, the Linkwright-User header) names. */
  verify(token: string, header: RequestHeader): Promise<AppUser> {
    if (issuerOf(token) === this.issuer) return this.ours.verify(token, header);
    if (this.provider) return this.provider.verify(token, header);
    return Promise.reject(invalidToken('not a token of this service'));
  }
}

function issuerOf(token: string): string | undefined {
  const payload = jwt.decode(token, { json: true });
  return typeof payload?.iss === 'string' ? payload.iss : undefined;
}
