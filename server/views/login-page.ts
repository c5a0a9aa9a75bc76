import { html, type SafeHtml } from './html';
import { renderPage } from './layout';
import type { PageContext } from './page-context';

export interface LoginPageModel {
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
export function loginPage(page: PageContext, model: LoginPageModel): string {
  const { text } = page;
  if (model.upstream) {
    // A link, not a form: a form's redirect to the provider would need the provider in CSP form-action.
    const restart = `/oauth/authorize?${new URLSearchParams(model.upstream.restart).toString()}`;
    const body = html`<p>${text.upstreamIntro(model.upstream.name, model.clientName)}</p>
<p><a href="${restart}" id="upstream-sign-in" class="button">${text.upstreamButton(model.upstream.name)}</a></p>`;
    return renderPage(page, { title: text.signInTitle(model.clientName), body });
  }
  const body = html`<p>${text.signInIntro(page.brand.name, model.clientName)}</p>
${model.error ? html`<p class="error" role="alert" id="form-error">${model.error}</p>` : ''}
<form method="post" action="${model.action}" novalidate>
<input type="hidden" name="interaction" value="${model.interactionId}">
<input type="hidden" name="csrf" value="${model.csrf}">
${credentialFields(page, { username: model.username, error: model.error })}
<button type="submit">${text.signInButton}</button>
</form>
${accountLinks(page)}`;
  return renderPage(page, { title: text.signInTitle(model.clientName), body });
}

/**
 * The labelled username and password fields, shared by the sign-in page and the app-links fallback
 * page; with an error they point at the page's inline error (id form-error).
 */
export function credentialFields(page: PageContext, model: { username?: string | undefined; error?: string | undefined }): SafeHtml {
  const { text } = page;
  const invalid = model.error ? 'true' : 'false';
  const describedBy = model.error ? html` aria-describedby="form-error"` : '';
  return html`<div class="field">
<label for="username">${text.usernameLabel}</label>
<input id="username" name="username" type="text" inputmode="email" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="254" value="${model.username ?? ''}" aria-invalid="${invalid}"${describedBy}>
</div>
<div class="field">
<label for="password">${text.passwordLabel}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024" aria-invalid="${invalid}"${describedBy}>
</div>`;
}

/** "Forgot your password?" and "Create an account", when the company has pages for them. */
export function accountLinks(page: PageContext): SafeHtml | '' {
  const { brand, text } = page;
  if (!brand.passwordResetUrl && !brand.signupUrl) return '';
  return html`<ul class="links account-links">
${brand.passwordResetUrl ? html`<li><a href="${brand.passwordResetUrl}" data-testid="password-reset">${text.forgotPassword}</a></li>` : ''}
${brand.signupUrl ? html`<li><a href="${brand.signupUrl}" data-testid="signup">${text.createAccount}</a></li>` : ''}
</ul>`;
}
