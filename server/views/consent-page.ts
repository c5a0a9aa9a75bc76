import { html } from './html';
import { renderPage } from './layout';

export interface ConsentPageModel {
  serviceName: string;
  clientName: string;
  action: string;
  interactionId: string;
  csrf: string;
  account: { displayName: string; username: string };
  /** One plain-language line per requested scope. */
  permissions: string[];
  error?: string | undefined;
}

/** The consent page: who is signed in, what the client will be able to do, Allow / Deny. */
export function consentPage(model: ConsentPageModel): string {
  const body = html`<p>${model.clientName} is asking to link to your ${model.serviceName} account.</p>
${model.error ? html`<p class="error" role="alert">${model.error}</p>` : ''}
<div class="account"><span class="muted">Signed in as</span><br><strong>${model.account.displayName}</strong> <span class="muted">(${model.account.username})</span></div>
<p>If you allow it, ${model.clientName} will be able to:</p>
<ul class="scopes">
${model.permissions.map((line) => html`<li>${line}</li>\n`)}</ul>
<form method="post" action="${model.action}">
<input type="hidden" name="interaction" value="${model.interactionId}">
<input type="hidden" name="csrf" value="${model.csrf}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
<button type="submit" name="decision" value="switch" class="link">Not you? Use another account</button>
</form>
<p class="muted">You can unlink your account at any time in the ${model.clientName} app.</p>`;
  return renderPage({ title: `Allow ${model.clientName} to use your account?`, serviceName: model.serviceName, body });
}
