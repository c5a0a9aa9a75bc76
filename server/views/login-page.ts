import { html } from './html';
import { renderPage } from './layout';

export interface LoginPageModel {
  serviceName: string;
  clientName: string;
  /** Where the form posts. */
  action: string;
  interactionId: string;
  csrf: string;
  /** The username to prefill after a failed attempt. */
  username?: string | undefined;
  /** An inline error shown above the form (never a pop-up). */
  error?: string | undefined;
  /**
   * Set when an upstream provider signs users in: the page offers one link that starts the
   * authorization again (GET /oauth/authorize with these parameters) instead of the password form.
   */
  upstream?: { name: string; restart: Array<[string, string]> } | undefined;
}

/** The sign-in page: username and password, labelled, with the interaction's hidden CSRF fields. */
export function loginPage(model: LoginPageModel): string {
  if (model.upstream) {
    // A link, not a form: a form's redirect to the provider would need the provider in CSP form-action.
    const restart = `/oauth/authorize?${new URLSearchParams(model.upstream.restart).toString()}`;
    const body = html`<p>Sign in with your ${model.upstream.name} account to link it with ${model.clientName}.</p>
<p><a href="${restart}" id="upstream-sign-in">Sign in with ${model.upstream.name}</a></p>`;
    return renderPage({ title: `Sign in to link ${model.clientName}`, serviceName: model.serviceName, body });
  }
  const invalid = model.error ? 'true' : 'false';
  const body = html`<p>Sign in with your ${model.serviceName} account to link it with ${model.clientName}.</p>
${model.error ? html`<p class="error" role="alert" id="form-error">${model.error}</p>` : ''}
<form method="post" action="${model.action}" novalidate>
<input type="hidden" name="interaction" value="${model.interactionId}">
<input type="hidden" name="csrf" value="${model.csrf}">
<div class="field">
<label for="username">Email or username</label>
<input id="username" name="username" type="text" inputmode="email" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="254" value="${model.username ?? ''}" aria-invalid="${invalid}"${model.error ? html` aria-describedby="form-error"` : ''}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024" aria-invalid="${invalid}"${model.error ? html` aria-describedby="form-error"` : ''}>
</div>
<button type="submit">Sign in</button>
</form>`;
  return renderPage({ title: `Sign in to link ${model.clientName}`, serviceName: model.serviceName, body });
}
