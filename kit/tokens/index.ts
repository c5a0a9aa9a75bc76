/**
 * `linkwright/tokens`: verify Linkwright's access tokens in any Node resource server (the company's
 * API, a skill hosted elsewhere). Importing this module starts nothing and fetches nothing; the first
 * `verify` downloads the issuer's metadata and keys.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createTokenVerifier, requireAccessToken } from 'linkwright/tokens';
 * const verifier = createTokenVerifier({ issuer: 'https://link.example.com' });
 * const app = express();
 * app.get('/me', requireAccessToken(verifier, { scope: 'profile' }), (req, res) => res.json({ user: req.accessToken?.sub }));
 * ```
 * @packageDocumentation
 */
export {
  createTokenVerifier,
  type LinkwrightAccessTokenClaims,
  type TokenRefusalReason,
  type TokenVerification,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedAccessToken,
} from './verifier';
export type { IntrospectionCredentials } from './introspection-client';
export type { Clock } from './key-set';
export { requireAccessToken, type AccessTokenMiddleware, type AccessTokenRequest, type AccessTokenResponse, type RequireAccessTokenOptions } from './express';
export { bearerChallenge, bearerCredentials, type BearerCredentials, type BearerErrorCode } from './bearer';
