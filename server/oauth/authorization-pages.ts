import type { Response } from 'express';
import type { Account } from '../accounts/directory';
import type { Settings } from '../config/settings';
import type { ClientRegistry } from './clients';
import { consentPage } from '../views/consent-page';
import { errorPage, type ErrorPageModel } from '../views/error-page';
import { loginPage } from '../views/login-page';
import { allowFormActionTo, originOf } from './csp';
import type { LoadedInteraction } from './interactions';
import { OAUTH_PATHS } from './metadata';
import { describeScope } from './scopes';
import { authorizeParamsFor } from './upstream-sign-in';

/** Renders the authorization pages for an interaction and sends them uncached. */
export class AuthorizationPages {
  /** `clients` names each client on its own pages (several Alexa skills, the app); without it, the primary Alexa client's name. */
  constructor(
    private readonly settings: Settings,
    private readonly clients?: Pick<ClientRegistry, 'find'>,
  ) {}

  private clientNameOf(loaded: LoadedInteraction): string {
    return this.clients?.find(loaded.interaction.request.clientId)?.name ?? this.settings.oauth.clientName;
  }

  /** The sign-in form for an interaction, optionally with an inline error. */
  login(res: Response, status: number, loaded: LoadedInteraction, extra: { username?: string; error?: string } = {}): void {
    const oauth = this.settings.oauth;
    this.send(
      res,
      status,
      loginPage({
        serviceName: oauth.serviceName,
        clientName: this.clientNameOf(loaded),
        action: OAUTH_PATHS.login,
        interactionId: loaded.id,
        csrf: loaded.interaction.csrf,
        username: extra.username,
        error: extra.error,
        upstream: this.settings.login.kind === 'oidc' ? { name: this.settings.login.name, restart: authorizeParamsFor(loaded.interaction.request) } : undefined,
      }),
    );
  }

  /** The consent form; its CSP lets the form's answer redirect to the client's origin. */
  consent(res: Response, status: number, loaded: LoadedInteraction, account: Account, error?: string): void {
    const oauth = this.settings.oauth;
    allowFormActionTo(res, [originOf(loaded.interaction.request.redirectUri)]);
    this.send(
      res,
      status,
      consentPage({
        serviceName: oauth.serviceName,
        clientName: this.clientNameOf(loaded),
        action: OAUTH_PATHS.consent,
        interactionId: loaded.id,
        csrf: loaded.interaction.csrf,
        // A mirrored account's name is provider:subject, which means nothing to its user; the e-mail does.
        account: { displayName: account.displayName, username: account.external ? (account.external.email ?? account.displayName) : account.username },
        permissions: loaded.interaction.request.scope.split(' ').filter(Boolean).map(describeScope),
        error,
      }),
    );
  }

  /** A page for an interaction that is unknown, expired or already finished. */
  expired(res: Response): void {
    this.error(res, 400, {
      title: 'This page has expired',
      message: `This sign-in page is no longer valid: it expired or was already used. Go back to the ${this.settings.oauth.clientName} app and start linking again.`,
    });
  }

  /** A page for a form post that failed the CSRF or browser check. */
  forbidden(res: Response): void {
    this.error(res, 403, {
      title: 'Please start again',
      message: `This form could not be verified: it was opened in another browser or is out of date. Go back to the ${this.settings.oauth.clientName} app and start linking again.`,
    });
  }

  /** Any error page. */
  error(res: Response, status: number, model: Omit<ErrorPageModel, 'serviceName'>): void {
    this.send(res, status, errorPage({ serviceName: this.settings.oauth.serviceName, ...model }));
  }

  private send(res: Response, status: number, body: string): void {
    // The pages carry CSRF tokens: never cached, never framed (helmet's frame-ancestors 'none').
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).type('html').send(body);
  }
}
