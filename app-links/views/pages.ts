import type { ValidAuthorization } from '../authorize';
import { html, type SafeHtml } from './html';

export const STYLESHEET_PATH = '/app-links/assets/pages.css';

/** The page shell: no scripts, our stylesheet only, nothing that would need the CSP widened. */
export function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`.text;
}

/** Asks the user to confirm which account Alexa gets linked to before the single-use code is spent. */
export function returnConfirmPage(input: { accountLabel: string; code: string; state: string; csrf: string }): string {
  return layout(
    'Finish linking Alexa',
    html`<h1>Finish linking Alexa</h1>
<p>Alexa will be linked to the account <strong data-testid="account">${input.accountLabel}</strong>.</p>
<p class="muted">If this is not your account, close this page: nothing is linked until you confirm.</p>
<form method="post" action="/app-links/return">
<input type="hidden" name="code" value="${input.code}">
<input type="hidden" name="state" value="${input.state}">
<input type="hidden" name="csrf" value="${input.csrf}">
<div class="actions"><button class="primary" type="submit">Link Alexa</button></div>
</form>`,
  );
}

/** The outcome after linking from the browser fallback. */
export function linkedPage(input: { accountLabel: string }): string {
  return layout(
    'Alexa is linked',
    html`<h1 data-testid="outcome">Alexa is linked</h1>
<p>Your account <strong>${input.accountLabel}</strong> is now linked to Alexa, and the skill is enabled.</p>
<p class="muted">You can close this page.</p>`,
  );
}

/** A refusal explained to a person, with the stable code support can look up. */
export function problemPage(input: { title: string; message: string; code: string }): string {
  return layout(
    input.title,
    html`<h1 data-testid="outcome">${input.title}</h1>
<p class="error" role="alert">${input.message}</p>
<p class="code">Error code: <span data-testid="code">${input.code}</span></p>`,
  );
}

/** Sign-in and consent for linking started from the Alexa app, when the company's app is not installed. */
export function authorizePage(input: { request: ValidAuthorization; csrf: string; username?: string; error?: string; clientName: string }): string {
  const { request } = input;
  return layout(
    'Link your account to Alexa',
    html`<h1>Link your account to ${input.clientName}</h1>
<p>${input.clientName} is asking to use your account with these permissions:</p>
<ul class="scopes">${request.scope.split(' ').map((scope) => html`<li>${scope}</li>`)}</ul>
${input.error ? html`<p class="error" role="alert" data-testid="error">${input.error}</p>` : ''}
<form method="post" action="/app-links/authorize/consent">
<input type="hidden" name="client_id" value="${request.clientId}">
<input type="hidden" name="redirect_uri" value="${request.redirectUri}">
<input type="hidden" name="response_type" value="code">
<input type="hidden" name="scope" value="${request.scope}">
<input type="hidden" name="state" value="${request.state}">
${request.codeChallenge ? html`<input type="hidden" name="code_challenge" value="${request.codeChallenge}"><input type="hidden" name="code_challenge_method" value="S256">` : ''}
<input type="hidden" name="csrf" value="${input.csrf}">
<label for="username">Email</label>
<input id="username" name="username" type="email" autocomplete="username" value="${input.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<div class="actions">
<button class="primary" type="submit" name="decision" value="allow">Allow</button>
<button class="secondary" type="submit" name="decision" value="deny" formnovalidate>Cancel</button>
</div>
</form>`,
  );
}
