import type { Response } from 'express';
import type { Account } from '../accounts/directory';
import type { Settings } from '../config/settings';
import type { ClientRegistry } from './clients';
import { consentPage } from '../views/consent-page';
import { errorPage, type ErrorPageModel } from '../views/error-page';
import type { PageLocale, PageMessages } from '../views/i18n';
import { loginPage } from '../views/login-page';
import { type PageContext, pageContext } from '../views/page-context';
import { allowFormActionTo, originOf } from './csp';
import type { LoadedInteraction } from './interactions';
import { OAUTH_PATHS } from './metadata';
import { authorizeParamsFor } from './upstream-sign-in';

/** A page's words, picked from the visitor's messages (so callers never build English by hand). */
export type Words = (text: PageMessages, clientName: string) => string;

/**
 * Renders the authorization pages and sends them uncached, in the visitor's language: the one the
 * authorization request chose (ui_locales), else the browser's Accept-Language, else DEFAULT_LOCALE.
 */
export class AuthorizationPages {
  /** `clients` names each client on its own pages (several Alexa skills, the app); without it, the primary Alexa client's name. */
  constructor(
    private readonly settings: Settings,
    private readonly clients?: Pick<ClientRegistry, 'find'>,
  ) {}

  private clientNameOf(loaded: LoadedInteraction): string {
    return this.clients?.find(loaded.interaction.request.clientId)?.name ?? this.settings.oauth.clientName;
  }

  /** In production the pages speak to end users only (details go to the log). */
  get production(): boolean {
    return this.settings.production;
  }

  /** The context a page for this response is rendered with. */
  context(res: Response, chosen?: PageLocale): PageContext {
    return pageContext(this.settings, res.req, chosen);
  }

  /** The sign-in form for an interaction, optionally with an inline error. */
  login(res: Response, status: number, loaded: LoadedInteraction, extra: { username?: string; error?: Words } = {}): void {
    const page = this.context(res, loaded.interaction.request.uiLocale);
    this.send(
      res,
      status,
      loginPage(page, {
        clientName: this.clientNameOf(loaded),
        action: OAUTH_PATHS.login,
        interactionId: loaded.id,
        csrf: loaded.interaction.csrf,
        username: extra.username,
        error: extra.error?.(page.text, this.clientNameOf(loaded)),
        upstream: this.settings.login.kind === 'oidc' ? { name: this.settings.login.name, restart: authorizeParamsFor(loaded.interaction.request) } : undefined,
      }),
    );
  }

  /** The consent form; its CSP lets the form's answer redirect to the client's origin. */
  consent(res: Response, status: number, loaded: LoadedInteraction, account: Account, error?: Words): void {
    const page = this.context(res, loaded.interaction.request.uiLocale);
    allowFormActionTo(res, [originOf(loaded.interaction.request.redirectUri)]);
    this.send(
      res,
      status,
      consentPage(page, {
        clientName: this.clientNameOf(loaded),
        action: OAUTH_PATHS.consent,
        interactionId: loaded.id,
        csrf: loaded.interaction.csrf,
        // A mirrored account's name is provider:subject, which means nothing to its user; the e-mail does.
        account: { displayName: account.displayName, username: account.external ? (account.external.email ?? account.displayName) : account.username },
        scopes: loaded.interaction.request.scope.split(' ').filter(Boolean),
        error: error?.(page.text, this.clientNameOf(loaded)),
      }),
    );
  }

  /** A page for an interaction that is unknown, expired or already finished. */
  expired(res: Response, chosen?: PageLocale): void {
    this.error(res, 400, (t, client) => ({ title: t.expiredTitle, message: t.expiredMessage(client) }), chosen);
  }

  /** A page for a form post that failed the CSRF or browser check. */
  forbidden(res: Response, chosen?: PageLocale): void {
    this.error(res, 403, (t, client) => ({ title: t.forbiddenTitle, message: t.forbiddenMessage(client) }), chosen);
  }

  /** A page for a form that arrived incomplete or altered. */
  formUnreadable(res: Response, chosen?: PageLocale): void {
    this.error(res, 400, (t) => ({ title: t.formUnreadableTitle, message: t.formUnreadableMessage }), chosen);
  }

  /** Any error page; `model` builds it from the visitor's messages. */
  error(res: Response, status: number, model: (text: PageMessages, clientName: string) => ErrorPageModel, chosen?: PageLocale): void {
    const page = this.context(res, chosen);
    this.send(res, status, errorPage(page, model(page.text, this.settings.oauth.clientName)));
  }

  private send(res: Response, status: number, body: string): void {
    // The pages carry CSRF tokens: never cached, never framed (helmet's frame-ancestors 'none').
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).type('html').send(body);
  }
}
