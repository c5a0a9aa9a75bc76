import type { AuthorizationRequest } from '../../server/oauth/authorization-request';
import { describeScopeFor } from '../../server/views/consent-page';
import { supportLine } from '../../server/views/error-page';
import { html } from '../../server/views/html';
import { renderPage } from '../../server/views/layout';
import { accountLinks, credentialFields } from '../../server/views/login-page';
import type { PageContext } from '../../server/views/page-context';

// The fallback pages share the authorization server's look (layout, stylesheet, brand, language): to
// the user they are the same service.

/** Asks the user to confirm which account Alexa gets linked to before the single-use codes are spent. */
export function returnConfirmPage(page: PageContext, model: { accountLabel: string; code: string; state: string; csrf: string }): string {
  const { text } = page;
  const body = html`<p>${text.appConfirmIntro(page.brand.name)}</p>
<div class="account"><strong data-testid="account">${model.accountLabel}</strong></div>
<p class="muted">${text.appConfirmNotYou}</p>
<form method="post" action="/app-links/return">
<input type="hidden" name="code" value="${model.code}">
<input type="hidden" name="state" value="${model.state}">
<input type="hidden" name="csrf" value="${model.csrf}">
<button type="submit">${text.appConfirmButton}</button>
</form>`;
  return renderPage(page, { title: text.appConfirmTitle, body });
}

/** The outcome after linking from the browser fallback (also what a reload of it shows). */
export function linkedPage(page: PageContext, model: { accountLabel: string }): string {
  const { text } = page;
  const body = html`<p data-testid="outcome">${text.appLinkedMessage(page.brand.name)}</p>
<div class="account"><strong data-testid="account">${model.accountLabel}</strong></div>
<p class="muted">${text.closePage}</p>`;
  return renderPage(page, { title: text.appLinkedTitle, body });
}

/**
 * A refusal explained to a person, with the stable code support can look up. `detail` (the English
 * description for whoever runs the service) is shown outside production only.
 */
export function problemPage(page: PageContext, model: { title: string; message: string; code: string; detail?: string | undefined; action?: { href: string; label: string } | undefined }): string {
  const { text } = page;
  const body = html`<p class="error" role="alert">${model.message}</p>
${model.action ? html`<p><a href="${model.action.href}">${model.action.label}</a></p>` : ''}
${model.detail && !page.production ? html`<p class="muted" data-testid="detail">${model.detail}</p>` : ''}
<p class="muted">${text.errorCode} <code data-testid="code">${model.code}</code></p>
${supportLine(page)}`;
  return renderPage(page, { title: model.title, body });
}

/**
 * Sign-in and consent in one step, for linking started from the Alexa app when the company's app is not
 * installed. With `upstream` (LOGIN_SOURCE=oidc) the page has no password fields: allowing is a link that
 * signs in at the provider, and the form only denies.
 */
export function authorizePage(
  page: PageContext,
  model: { clientName: string; request: AuthorizationRequest; csrf: string; username?: string | undefined; error?: string | undefined; upstream?: { name: string; href: string } | undefined },
): string {
  const { request, upstream } = model;
  const { text } = page;
  const body = html`<p>${upstream ? text.upstreamIntro(upstream.name, model.clientName) : text.signInIntro(page.brand.name, model.clientName)}</p>
${model.error ? html`<p class="error" role="alert" id="form-error">${model.error}</p>` : ''}
<p>${text.willBeAbleTo(model.clientName)}</p>
<ul class="scopes">
${request.scope.split(' ').map((scope) => html`<li>${describeScopeFor(page, scope)}</li>\n`)}</ul>
${upstream
    ? // A link, not a form button: a form's redirect to the provider would need the provider in CSP form-action.
      html`<p><a href="${upstream.href}" id="upstream-sign-in" class="button">${text.upstreamButton(upstream.name)}</a></p>\n`
    : ''}<form method="post" action="/app-links/authorize/consent" novalidate>
<input type="hidden" name="client_id" value="${request.clientId}">
<input type="hidden" name="redirect_uri" value="${request.redirectUri}">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="scope" value="${request.scope}">
${request.state !== undefined ? html`<input type="hidden" name="state" value="${request.state}">` : ''}
${request.codeChallenge !== undefined ? html`<input type="hidden" name="code_challenge" value="${request.codeChallenge}">
<input type="hidden" name="code_challenge_method" value="S256">` : ''}
${request.uiLocale !== undefined ? html`<input type="hidden" name="ui_locales" value="${request.uiLocale}">` : ''}
<input type="hidden" name="csrf" value="${model.csrf}">
${upstream
    ? ''
    : html`${credentialFields(page, { username: model.username, error: model.error })}
<button type="submit" name="decision" value="allow">${text.allow}</button>
`}<button type="submit" name="decision" value="deny" class="secondary">${text.deny}</button>
</form>
${upstream ? '' : accountLinks(page)}`;
  return renderPage(page, { title: text.appAuthorizeTitle(model.clientName), body });
}
