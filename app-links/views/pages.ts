import type { AuthorizationRequest } from '../../server/oauth/authorization-request';
import { describeScope } from '../../server/oauth/scopes';
import { html } from '../../server/views/html';
import { renderPage } from '../../server/views/layout';

// The fallback pages share the authorization server's look (layout, stylesheet, classes): to the user
// they are the same service.

/** Asks the user to confirm which account Alexa gets linked to before the single-use codes are spent. */
export function returnConfirmPage(model: { serviceName: string; accountLabel: string; code: string; state: string; csrf: string }): string {
  const body = html`<p>Alexa will be linked to this ${model.serviceName} account:</p>
<div class="account"><strong data-testid="account">${model.accountLabel}</strong></div>
<p class="muted">If this is not your account, close this page: nothing is linked until you confirm.</p>
<form method="post" action="/app-links/return">
<input type="hidden" name="code" value="${model.code}">
<input type="hidden" name="state" value="${model.state}">
<input type="hidden" name="csrf" value="${model.csrf}">
<button type="submit">Link Alexa</button>
</form>`;
  return renderPage({ title: 'Finish linking Alexa', serviceName: model.serviceName, body });
}

/** The outcome after linking from the browser fallback. */
export function linkedPage(model: { serviceName: string; accountLabel: string }): string {
  const body = html`<p data-testid="outcome">Your ${model.serviceName} account <strong>${model.accountLabel}</strong> is now linked to Alexa, and the skill is enabled.</p>
<p class="muted">You can close this page.</p>`;
  return renderPage({ title: 'Alexa is linked', serviceName: model.serviceName, body });
}

/** A refusal explained to a person, with the stable code support can look up. */
export function problemPage(model: { serviceName: string; title: string; message: string; code: string }): string {
  const body = html`<p class="error" role="alert">${model.message}</p>
<p class="muted">Error code: <code data-testid="code">${model.code}</code></p>`;
  return renderPage({ title: model.title, serviceName: model.serviceName, body });
}

/** Sign-in and consent in one step, for linking started from the Alexa app when the company's app is not installed. */
export function authorizePage(model: { serviceName: string; clientName: string; request: AuthorizationRequest; csrf: string; username?: string | undefined; error?: string | undefined }): string {
  const { request } = model;
  const invalid = model.error ? 'true' : 'false';
  const body = html`<p>Sign in with your ${model.serviceName} account to link it with ${model.clientName}.</p>
${model.error ? html`<p class="error" role="alert" id="form-error">${model.error}</p>` : ''}
<p>If you allow it, ${model.clientName} will be able to:</p>
<ul class="scopes">
${request.scope.split(' ').map((scope) => html`<li>${describeScope(scope)}</li>\n`)}</ul>
<form method="post" action="/app-links/authorize/consent" novalidate>
<input type="hidden" name="client_id" value="${request.clientId}">
<input type="hidden" name="redirect_uri" value="${request.redirectUri}">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="scope" value="${request.scope}">
${request.state !== undefined ? html`<input type="hidden" name="state" value="${request.state}">` : ''}
${request.codeChallenge !== undefined ? html`<input type="hidden" name="code_challenge" value="${request.codeChallenge}">
<input type="hidden" name="code_challenge_method" value="S256">` : ''}
<input type="hidden" name="csrf" value="${model.csrf}">
<div class="field">
<label for="username">Email or username</label>
<input id="username" name="username" type="text" inputmode="email" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="254" value="${model.username ?? ''}" aria-invalid="${invalid}"${model.error ? html` aria-describedby="form-error"` : ''}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024" aria-invalid="${invalid}"${model.error ? html` aria-describedby="form-error"` : ''}>
</div>
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</form>`;
  return renderPage({ title: `Link ${model.clientName} to your account`, serviceName: model.serviceName, body });
}
