import type { Account } from '../server/accounts/directory';
import type { UpstreamSignIn } from '../server/oauth/upstream-sign-in';
import type { Services } from '../server/services';
import { AlexaApiClient } from './amazon/alexa-api-client';
import { AmazonHttp, type AmazonHttpOptions } from './amazon/http';
import { LwaClient } from './amazon/lwa-client';
import { CryptoBox } from './crypto-box';
import { AppLinkError } from './errors';
import { AmazonLinks } from './link-records';
import { type AppLinksObserver, UNOBSERVED_APP_LINKS } from './observer';
import type { AppLinksSettings } from './settings';
import { LinkStates } from './state';
import { createTokenResolver } from '../server/identity/create-resolver';
import { AppCallers } from './users/app-callers';
import { DirectoryIds, OurTokenVerifier } from './users/our-tokens';
import { ProviderTokenVerifier } from './users/provider-tokens';
import type { UserTokenVerifier } from './users/user-tokens';

/** Everything the app-links endpoints work with, built once when the router is created. */
export interface AppLinksContext {
  services: Services;
  settings: AppLinksSettings;
  /** Told about every step, refusal and call to Amazon (metrics and the diagnostics page). */
  observer: AppLinksObserver;
  /** The service's upstream sign-in (LOGIN_SOURCE=oidc), shared with /oauth/authorize and its callback. */
  upstream: UpstreamSignIn | undefined;
  http: AmazonHttp;
  states: LinkStates;
  links: AmazonLinks;
  users: UserTokenVerifier;
  /** The LWA client; throws app_links_not_configured while LWA_CLIENT_ID/SECRET are unset (development). */
  lwa(): LwaClient;
  /** The Alexa API client; throws app_links_not_configured while SKILL_ID is unset (development). */
  alexa(): AlexaApiClient;
  /** Throws app_links_not_configured unless the from-your-app flow has everything it needs. */
  requireConfigured(): void;
}

/** What the composition root (server/app.ts) hands the companion besides the services. */
export interface AppLinksWiring {
  /** No one watches when absent. */
  observer?: AppLinksObserver | undefined;
  /** Required with LOGIN_SOURCE=oidc: the upstream sign-in whose callback the /oauth router serves. */
  upstream?: UpstreamSignIn | undefined;
}

/** Builds the context from the service's domain; `http` options let tests replace the backoff timer. */
export function createAppLinksContext(services: Services, wiring: AppLinksWiring = {}, overrides: Partial<Pick<AmazonHttpOptions, 'sleep' | 'random'>> = {}): AppLinksContext {
  const settings = services.settings.appLinks;
  const observer = wiring.observer ?? UNOBSERVED_APP_LINKS;
  const http = new AmazonHttp({
    timeoutMs: services.settings.amazon.timeoutMs,
    policy: settings.retry,
    log: services.log,
    clock: services.clock,
    observe: (call, status, seconds) => observer.amazonCall(call, status, seconds),
    ...overrides,
  });
  const box = new CryptoBox(settings.encryptionKeys);
  const notConfigured = () =>
    new AppLinkError('app_links_not_configured', `app-to-app linking needs ${settings.missing.join(', ')} (development: set them to try the flow)`);

  let lwa: LwaClient | undefined;
  if (settings.lwaClientId && settings.lwaClientSecret) {
    lwa = new LwaClient(http, services.settings.amazon.lwaTokenUrl, { clientId: settings.lwaClientId, clientSecret: settings.lwaClientSecret });
  }
  const alexa = settings.skillId ? new AlexaApiClient(http, services.settings.amazon, settings.skillId) : undefined;
  const lwaOrFail = (): LwaClient => {
    if (!lwa) throw notConfigured();
    return lwa;
  };

  return {
    services,
    settings,
    observer,
    upstream: wiring.upstream,
    http,
    states: new LinkStates(services.store, services.clock, box, settings.stateTtlSec),
    links: new AmazonLinks(services.store, services.clock, box, lwaOrFail, services.log),
    users: userVerifier(services, settings),
    lwa: lwaOrFail,
    alexa: () => {
      if (!alexa) throw notConfigured();
      return alexa;
    },
    requireConfigured: () => {
      if (!lwa || !alexa) throw notConfigured();
    },
  };
}

function userVerifier(services: Services, settings: AppLinksSettings): UserTokenVerifier {
  const directory = new DirectoryIds(settings.accountProvider, directoryLookup(services, settings.accountProvider));
  const ours = new OurTokenVerifier(services.accessTokens, services.revocations, services.accounts, services.clients, directory);
  // The skill's resolver for the same provider and settings (SKILL_LINKING_PROVIDER, OIDC_*, LWA_PROFILE_URL).
  const provider =
    settings.accountProvider === 'ours' ? undefined : new ProviderTokenVerifier(settings.accountProvider, createTokenResolver(services, services.settings.skill), services.accounts);
  return new AppCallers(services.settings.publicUrl, ours, provider);
}

/**
 * How a service caller's Linkwright-User is read: the id the company's directory knows the user by.
 * With accounts in Linkwright's AS that is the local username (LOGIN_SOURCE=local), the upstream
 * provider's `sub` (oidc) or the company API's `user_id` (api); with accounts in the skill's provider,
 * the subject there (server/identity mirrors them as `lwa` and `oidc:<issuer host>`).
 */
function directoryLookup(services: Services, provider: AppLinksSettings['accountProvider']): (id: string) => Promise<Account | undefined> {
  const { accounts, settings } = services;
  let mirrored: string | undefined;
  if (provider === 'lwa') mirrored = 'lwa';
  else if (provider === 'oidc') mirrored = settings.skill.oidc ? `oidc:${new URL(settings.skill.oidc.issuer).host}` : undefined;
  else if (settings.login.kind === 'oidc') mirrored = 'upstream';
  else if (settings.login.kind === 'api') mirrored = 'api';
  // Read-only: a service caller never creates an account, it names one that signed in before.
  if (mirrored === undefined) return (id) => accounts.findByName(id);
  const source = mirrored;
  return (id) => accounts.findExternal(source, id);
}
