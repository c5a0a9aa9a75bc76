import type { Services } from '../services';
import { AuthorizationPages } from './authorization-pages';
import { BrowserBinding } from './browser-binding';
import { Interactions } from './interactions';
import { LoginLimiter } from './login-limiter';
import { RequestSeal } from './request-seal';
import { type PasswordSource, passwordSourceFor } from './sign-in/password-sources';
import { type UpstreamSignIn, upstreamSignInFor } from './upstream-sign-in';

/** What the authorize, login and consent handlers share. */
export interface AuthorizationContext {
  services: Services;
  interactions: Interactions;
  binding: BrowserBinding;
  limiter: LoginLimiter;
  pages: AuthorizationPages;
  /** Checks the sign-in form's password (local accounts or the company API); undefined with an upstream provider. */
  passwords: PasswordSource | undefined;
  /** The upstream OpenID Connect provider that signs users in (LOGIN_SOURCE=oidc). */
  upstream: UpstreamSignIn | undefined;
}

/** Builds the shared pieces from the services' settings; `upstream` is the service's one (server/app.ts shares it). */
export function createAuthorizationContext(services: Services, upstream: UpstreamSignIn | undefined = upstreamSignInFor(services)): AuthorizationContext {
  const oauth = services.settings.oauth;
  const seal = new RequestSeal(services.keys);
  return {
    services,
    interactions: new Interactions(services.store, services.clock, oauth.interactionTtlSec, seal),
    binding: new BrowserBinding(services.settings.publicUrl.startsWith('https://'), oauth.interactionTtlSec),
    limiter: new LoginLimiter(services.store, { maxPerAccount: oauth.loginMaxPerAccount, maxPerAddress: oauth.loginMaxPerAddress, windowSec: oauth.loginWindowSec }),
    pages: new AuthorizationPages(services.settings, services.clients),
    passwords: passwordSourceFor(services.settings.login, services.accounts),
    upstream,
  };
}
