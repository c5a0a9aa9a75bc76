import { html } from './html';
import { renderPage } from './layout';
import type { PageContext } from './page-context';

export interface ConsentPageModel {
  clientName: string;
  action: string;
  interactionId: string;
  csrf: string;
  account: { displayName: string; username: string };
  /** The granted scopes; each is described in the visitor's language. */
  scopes: string[];
  error?: string | undefined;
}

/** What granting a scope lets the client do, in words a user can judge, in the page's language. */
export function describeScopeFor(page: PageContext, scope: string): string {
  const { text } = page;
  if (scope === 'profile') return text.scopeProfile;
  if (scope === 'email') return text.scopeEmail;
  if (scope === 'offline_access') return text.scopeOfflineAccess;
  return text.scopeOther(scope);
}

/** The consent page: who is signed in, what the client will be able to do, Allow / Deny. */
export function consentPage(page: PageContext, model: ConsentPageModel): string {
  const { text } = page;
  const body = html`<p>${text.consentIntro(model.clientName, page.brand.name)}</p>
${model.error ? html`<p class="error" role="alert">${model.error}</p>` : ''}
<div class="account"><span class="muted">${text.signedInAs}</span><br><strong>${model.account.displayName}</strong> <span class="muted">(${model.account.username})</span></div>
<p>${text.willBeAbleTo(model.clientName)}</p>
<ul class="scopes">
${model.scopes.map((scope) => html`<li>${describeScopeFor(page, scope)}</li>\n`)}</ul>
<form method="post" action="${model.action}">
<input type="hidden" name="interaction" value="${model.interactionId}">
<input type="hidden" name="csrf" value="${model.csrf}">
<button type="submit" name="decision" value="allow">${text.allow}</button>
<button type="submit" name="decision" value="deny" class="secondary">${text.deny}</button>
<button type="submit" name="decision" value="switch" class="link">${text.switchAccount}</button>
</form>
<p class="muted">${text.unlinkAnyTime(model.clientName)}</p>`;
  return renderPage(page, { title: text.consentTitle(model.clientName), body });
}
