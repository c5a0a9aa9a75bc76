import type { Services } from '../services';
import { AuthorizationPages } from './authorization-pages';
import { BrowserBinding } from './browser-binding';
import { Interactions } from './interactions';
import { LoginLimiter } from './login-limiter';
import { RequestSeal } from './request-seal';

/** What the authorize, login and consent handlers share. */
export interface AuthorizationContext {
  services: Services;
  interactions: Interactions;
  binding: BrowserBinding;
  limiter: LoginLimiter;
  pages: AuthorizationPages;
}

/** Builds the shared pieces from the services' settings. */
export function createAuthorizationContext(services: Services): AuthorizationContext {
  const oauth = services.settings.oauth;
  return {
    services,
    interactions: new Interactions(services.store, services.clock, oauth.interactionTtlSec, new RequestSeal(services.keys)),
    binding: new BrowserBinding(services.settings.publicUrl.startsWith('https://'), oauth.interactionTtlSec),
    limiter: new LoginLimiter(services.store, { maxPerAccount: oauth.loginMaxPerAccount, maxPerAddress: oauth.loginMaxPerAddress, windowSec: oauth.loginWindowSec }),
    pages: new AuthorizationPages(services.settings, services.clients),
  };
}
