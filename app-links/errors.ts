import { ServiceError } from '../server/errors';

/**
 * The stable codes an app can switch on when app-to-app linking fails. Each has one status and one
 * description written for the app's user (it is the `error_description` of every answer with that code,
 * server-side failures included, and the message of the fallback pages); the `reason` given at the throw
 * site is for the log only.
 */
export const APP_LINK_ERRORS = {
  state_invalid: { status: 400, description: 'This linking attempt is unknown or belongs to someone else. Start linking again from the app.' },
  state_expired: { status: 400, description: 'This linking attempt has expired. Start linking again from the app.' },
  state_reused: { status: 400, description: 'This linking attempt was already used. Start linking again from the app.' },
  amazon_code_rejected: {
    status: 400,
    description: 'Amazon rejected the authorization code: it expired (codes last 5 minutes), was already used, or was issued for another redirect URL. Start linking again.',
  },
  amazon_client_misconfigured: {
    status: 502,
    description: 'Amazon refused this service\'s Alexa sign-in settings, so Alexa cannot be linked right now. This is a problem on our side: try again later or contact support.',
  },
  enablement_refused: {
    status: 502,
    description: 'Alexa could not finish linking: it was unable to confirm your account with this service. Try again later or contact support.',
  },
  skill_disabled: { status: 403, description: 'The skill is disabled for this Amazon account, or the Amazon authorization was revoked. Enable the skill and link again.' },
  skill_stage_not_allowed: {
    status: 403,
    description: 'This Amazon account may not enable the skill at this stage (development skills need the developer account or a beta tester).',
  },
  amazon_unavailable: { status: 503, description: 'Amazon could not be reached. Try again in a moment.' },
  provider_unavailable: { status: 503, description: 'The account provider could not be reached. Try again in a moment.' },
  user_unknown: { status: 404, description: 'The user named by the Linkwright-User header has no account here (they have not signed in through this service yet).' },
  app_links_not_configured: { status: 503, description: 'Linking Alexa from the app is not available on this service yet.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type AppLinkErrorCode = keyof typeof APP_LINK_ERRORS;

/** A failure of the app-to-app flow with a stable code; `reason` goes to the log, never to the caller. */
export class AppLinkError extends ServiceError {
  // Shown even for 502/503: the description is the code's fixed text for people, never the reason.
  override readonly expose = true;

  constructor(
    readonly appCode: AppLinkErrorCode,
    reason: string,
    /** True when the failure may pass by itself (Amazon overloaded or unreachable), so another endpoint or a retry may help. */
    readonly transient = appCode === 'amazon_unavailable' || appCode === 'provider_unavailable',
  ) {
    const known = APP_LINK_ERRORS[appCode];
    super(appCode, known.status, known.description, reason);
    this.name = 'AppLinkError';
  }
}

/** A short, token-free excerpt of a text Amazon sent back, safe to put in a log line. */
export function logSafeExcerpt(text: unknown): string {
  if (typeof text !== 'string') return '';
  // Anything long and token-like is dropped: an error message must never carry a credential into the log.
  return text.replace(/[A-Za-z0-9._~+/=|-]{24,}/g, '[…]').slice(0, 160);
}
