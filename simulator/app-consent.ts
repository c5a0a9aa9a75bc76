import type { Express, Request, Response } from 'express';
import type { Customers } from './customers';
import { noteExchange } from './host';
import { ACCOUNT_LINKING_SCOPE, type LoginWithAmazon, withParams } from './lwa/authority';
import { sendPage } from './pages';

/** Path of the Alexa app's account-linking consent universal link. */
export const APP_CONSENT_PATH = '/spa/skill-account-linking-consent';

/**
 * Mounts the Alexa app's consent screen for app-to-app linking started from the skill's own app: the
 * signed-in customer agrees (or declines) and the app sends them back to the redirect URI with an
 * Amazon authorization code for the skill's Alexa client id (`alexa::skills:account_linking` scope).
 */
export function mountAppConsent(app: Express, lwa: LoginWithAmazon, customers: Customers, alexaClientId: () => string): void {
  app.get(APP_CONSENT_PATH, (req: Request, res: Response) => {
    noteExchange(res, { from: 'app', to: 'alexa.amazon.com' });
    const query = req.query as Record<string, unknown>;
    if (query.client_id !== alexaClientId()) {
      noteExchange(res, { note: 'client_id is not the skill’s Alexa client id' });
      sendPage(res, 400, 'Alexa', 'This link was made for another skill (client_id is not the skill’s Alexa client id).');
      return;
    }
    // An unknown skill_stage is the app's mistake: it goes back to the app as an OAuth error, but only
    // to a registered redirect URL (lwa.authorize below shows a page for any other).
    const stage = query.skill_stage;
    const redirectUri = typeof query.redirect_uri === 'string' ? query.redirect_uri : '';
    if (stage !== undefined && stage !== 'development' && stage !== 'live' && lwa.client(alexaClientId())?.redirectUris.includes(redirectUri)) {
      noteExchange(res, { note: 'invalid skill_stage' });
      const state = typeof query.state === 'string' ? query.state : undefined;
      res.redirect(302, withParams(redirectUri, { error: 'invalid_request', error_description: 'skill_stage must be development or live.', state }));
      return;
    }
    const outcome = lwa.authorize(query, customers.current(), customers.consentDecision(), ACCOUNT_LINKING_SCOPE);
    if (outcome.kind === 'page') {
      noteExchange(res, { note: outcome.message });
      sendPage(res, outcome.status, 'Alexa', outcome.message);
      return;
    }
    noteExchange(res, { note: outcome.note });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, outcome.location);
  });
}
