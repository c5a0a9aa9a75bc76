import { ServiceError } from '../server/errors';
import type { AppLinksContext } from './context';
import type { AppUser } from './users/user-tokens';

/** The scope Amazon requires for app-to-app linking (not one of ours). */
export const ALEXA_LINKING_SCOPE = 'alexa::skills:account_linking';

/** What the app needs to open Amazon's consent: the Alexa app universal link, the LWA fallback, and until when. */
export interface StartResult {
  alexaAppUrl: string;
  lwaFallbackUrl: string;
  state: string;
  expiresAt: string;
  expiresIn: number;
}

/** A user may start this many attempts per state lifetime; more is a script, not a person. */
const MAX_STARTS_PER_WINDOW = 20;

/**
 * Starts linking from the company's app: a fresh single-use state bound to the user, PKCE (S256), and
 * both consent URLs carrying the company's return URL.
 */
export async function startLinking(ctx: AppLinksContext, user: AppUser): Promise<StartResult> {
  ctx.requireConfigured();
  const { settings, services } = ctx;
  const starts = await services.store.increment(`app-link-starts:${user.userId}`, settings.stateTtlSec * 1000);
  if (starts > MAX_STARTS_PER_WINDOW) {
    throw new ServiceError('too_many_requests', 429, 'Too many linking attempts were started; wait a few minutes and try again.', `${starts} starts in the window`);
  }
  const { state, codeChallenge, expiresAt } = await ctx.states.create(user.userId, settings.appRedirectUrl);
  const common = {
    client_id: settings.lwaClientId as string,
    scope: ALEXA_LINKING_SCOPE,
  };
  const tail = {
    response_type: 'code',
    redirect_uri: settings.appRedirectUrl,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
  };
  const alexaApp = new URLSearchParams({ fragment: 'skill-account-linking-consent', ...common, skill_stage: settings.skillStage, ...tail });
  const lwa = new URLSearchParams({ ...common, ...tail });
  services.log.info({ event: 'app_links.started', userId: user.userId, provider: user.provider }, 'app-to-app linking started');
  return {
    alexaAppUrl: `${services.settings.amazon.alexaAppLinkUrl}?${alexaApp.toString()}`,
    lwaFallbackUrl: `${services.settings.amazon.lwaAuthorizeUrl}?${lwa.toString()}`,
    state,
    expiresAt: new Date(expiresAt).toISOString(),
    expiresIn: Math.round((expiresAt - services.clock.now()) / 1000),
  };
}
