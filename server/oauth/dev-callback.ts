import type { Request, Response } from 'express';
import { randomToken } from '../crypto-utils';
import type { Settings } from '../config/settings';
import { devCallbackPage } from '../views/dev-callback-page';
import { pageContext } from '../views/page-context';
import { OAUTH_PATHS } from './metadata';
import { ParamSet } from './params';

/** Path of the development page that starts a flow with a fresh state. */
export const DEV_START_PATH = '/oauth/dev/start';

/** The authorization URL a developer (or the start page) opens to try the flow locally. */
export function devAuthorizeUrl(settings: Settings, state: string): string {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: settings.oauth.clientId,
    redirect_uri: settings.oauth.devCallbackUri ?? '',
    state,
    scope: settings.oauth.scopes.join(' '),
  });
  return `${settings.publicUrl}${OAUTH_PATHS.authorize}?${query.toString()}`;
}

/** GET /oauth/dev/start: redirects to the authorization endpoint as Alexa would (development only). */
export function devStartHandler(settings: Settings) {
  return (_req: Request, res: Response): void => {
    res.redirect(303, devAuthorizeUrl(settings, randomToken(12)));
  };
}

/**
 * GET /oauth/dev/callback: stands in for Alexa's redirect page in development, showing the code and
 * a curl command that redeems it. The client secret appears only when it was generated for this run
 * (the start banner prints it too); a configured secret stays a placeholder.
 */
export function devCallbackHandler(settings: Settings) {
  const oauth = settings.oauth;
  return (req: Request, res: Response): void => {
    const { values } = ParamSet.fromUrl(req.originalUrl).read({ code: 512, state: 4096, error: 64, error_description: 1024 });
    // Adjacent quoted words join in the shell: 'id:'"$OAUTH_CLIENT_SECRET" expands only the variable.
    const credentials = oauth.clientSecretGenerated ? shellQuote(`${oauth.clientId}:${oauth.clientSecret}`) : `${shellQuote(`${oauth.clientId}:`)}"$OAUTH_CLIENT_SECRET"`;
    const curl = values.code
      ? [
          `curl -s ${settings.publicUrl}${OAUTH_PATHS.token} \\`,
          `  -u ${credentials} \\`,
          '  -d grant_type=authorization_code \\',
          `  --data-urlencode ${shellQuote(`code=${values.code}`)} \\`,
          `  --data-urlencode ${shellQuote(`redirect_uri=${oauth.devCallbackUri ?? ''}`)}`,
        ].join('\n')
      : undefined;
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(
      devCallbackPage(pageContext(settings, undefined, 'en-US'), {
        code: values.code,
        state: values.state,
        error: values.error,
        errorDescription: values.error_description,
        curl,
        startUrl: DEV_START_PATH,
      }),
    );
  };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
