import type { AmazonLink } from '../../../app-links/link-records';
import type { Account } from '../../accounts/directory';
import type { RefreshFamily } from '../../oauth/refresh-tokens';
import { html, type SafeHtml } from '../../views/html';
import type { AlexaConfiguration } from '../alexa-config';
import { type FailureGroup, groupFailures, type LinkingFailureRecord } from '../failure-log';
import type { ClientDiagnostics } from '../diagnostics';
import type { TrafficSummary, ValueTraffic } from '../traffic';
import { renderOpsPage, when } from './layout';

interface Operator {
  username: string;
  csrf: string;
}

/** The operator sign-in form (its own double-submit CSRF token; no session exists yet). */
export function opsLoginPage(model: { serviceName: string; csrf: string; username?: string | undefined; error?: string | undefined }): string {
  const body = html`<p class="muted">Operator sign-in (ADMIN_USERNAME). Customer accounts cannot sign in here.</p>
${model.error ? html`<p class="notice error" role="alert" id="form-error">${model.error}</p>` : ''}
<form method="post" action="/ops/login" novalidate>
<input type="hidden" name="csrf" value="${model.csrf}">
<div class="field">
<label for="username">Operator name</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="254" value="${model.username ?? ''}">
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024">
</div>
<button type="submit">Sign in</button>
</form>`;
  return renderOpsPage({ title: 'Sign in', serviceName: model.serviceName, body });
}

/** A short page for refusals (expired form, rate limit). */
export function opsMessagePage(model: { serviceName: string; title: string; message: string; operator?: Operator | undefined }): string {
  const body = html`<p class="notice error" role="alert">${model.message}</p>
<p><a href="/ops">Back to the overview</a></p>`;
  return renderOpsPage({ title: model.title, serviceName: model.serviceName, operator: model.operator, body });
}

export interface OverviewModel {
  serviceName: string;
  operator: Operator;
  config: AlexaConfiguration;
  /** What the page shows for the client secret (never the secret). */
  secretShown: string;
  traffic: TrafficSummary;
  /** Mismatches between the configuration and what callers sent (diagnostics.ts). */
  findings: string[];
  /** Every registered client with its policy and traffic. */
  clients: ClientDiagnostics[];
  failures: LinkingFailureRecord[];
  failuresKept: number;
}

/** The overview: what Alexa should be configured with, what it actually sent, and the recent failures. */
export function opsOverviewPage(model: OverviewModel): string {
  const linking = model.config.accountLinking;
  const rows: Array<[string, string | string[]]> = [
    ['Authorization URI', linking.authorizationUrl],
    ['Access Token URI', linking.accessTokenUrl],
    ['Your Client ID', linking.clientId],
    ['Your Secret', model.secretShown],
    ['Authentication Scheme', linking.accessTokenScheme],
    ['Scopes', linking.scopes],
    ['Domain List', linking.domains.length > 0 ? linking.domains : '(none)'],
    ['Default Access Token Expiration Time', String(linking.defaultTokenExpirationInSeconds)],
    ['Alexa Redirect URLs (accepted)', model.config.alexaRedirectUrls.length > 0 ? model.config.alexaRedirectUrls : '(none: ALEXA_VENDOR_ID is unset)'],
    ['Your Redirect URLs (app-to-app)', linking.redirectUrls.length > 0 ? linking.redirectUrls : '(none)'],
    ['Platform authorization URLs', linking.authorizationUrlsByPlatform.length > 0 ? linking.authorizationUrlsByPlatform.map((p) => `${p.platformType}: ${p.platformAuthorizationUrl}`) : '(none)'],
    ['Voice-forward linking', linking.voiceForwardAccountLinking],
    ['Skill endpoint', model.config.skillEndpoint],
  ];
  const groups = groupFailures(model.failures);
  const body = html`<section aria-labelledby="lookup-heading">
<h2 id="lookup-heading">Look up a user</h2>
${lookupForm('')}
</section>
<section aria-labelledby="config-heading">
<h2 id="config-heading">What the Alexa console should say</h2>
${model.config.problems.length > 0
    ? html`<ul class="notices" data-testid="config-problems">${model.config.problems.map((p) => html`<li class="error">Alexa would refuse this: ${p}</li>`)}</ul>`
    : html`<p class="ok" data-testid="config-ok">Alexa would accept this configuration.</p>`}
${scrollRegion('Alexa console values', html`<table data-testid="config" class="pairs">
<tbody>
${rows.map(([label, value]) => html`<tr><th scope="row">${label}</th><td>${cell(value)}</td></tr>\n`)}</tbody>
</table>`)}
${model.config.notes.length > 0 ? html`<ul class="notices">${model.config.notes.map((n) => html`<li class="warn">${n}</li>`)}</ul>` : ''}
<p class="muted"><code>npm run alexa:config</code> writes the same values for the ASK CLI.</p>
</section>
<section aria-labelledby="traffic-heading">
<h2 id="traffic-heading">What callers sent (last 30 days)</h2>
${model.findings.length > 0
    ? html`<ul class="notices" data-testid="findings">${model.findings.map((f) => html`<li class="warn">${f}</li>`)}</ul>`
    : html`<p class="ok" data-testid="findings-ok">Every registered value has been used and nothing unrecognised arrived.</p>`}
${clientsTable(model.clients)}
${trafficTable('Client id', model.traffic.clients, 'clients')}
${trafficTable('Redirect URI', model.traffic.redirectUris, 'redirects')}
<h3>Unrecognised values (latest first)</h3>
${model.traffic.unrecognised.length > 0
    ? scrollRegion('Unrecognised values', html`<table data-testid="unrecognised"><thead><tr><th>When</th><th>Endpoint</th><th>Parameter</th><th>Value</th></tr></thead><tbody>
${model.traffic.unrecognised.map((u) => html`<tr><td>${when(u.at)}</td><td>${u.endpoint}</td><td>${u.kind}</td><td><code>${u.value}</code></td></tr>\n`)}</tbody></table>`)
    : html`<p class="muted">None.</p>`}
</section>
<section aria-labelledby="failures-heading">
<h2 id="failures-heading">Recent linking failures</h2>
<p class="muted">The last ${model.failuresKept} (OPS_FAILURES_KEPT), identical ones counted together, most recent first. The request id (of the latest) finds the full log lines.</p>
${groups.length > 0
    ? scrollRegion('Recent linking failures', html`<table data-testid="failures" class="cards"><thead><tr><th>Times</th><th>First and last seen</th><th>Step</th><th>Error</th><th>Reason</th><th>What to do</th><th>Client / user</th><th>Request id</th></tr></thead><tbody>
${groups.map(failureRow)}</tbody></table>`)
    : html`<p class="muted" data-testid="no-failures">No linking failure recorded.</p>`}
</section>`;
  return renderOpsPage({ title: 'Account linking overview', serviceName: model.serviceName, operator: model.operator, body });
}

export interface GrantView {
  family: RefreshFamily;
  status: 'active' | 'revoked' | 'expired';
  /** True for grants to an Alexa client; others are e.g. the company app's sessions. */
  alexa: boolean;
}

export interface UserModel {
  serviceName: string;
  operator: Operator;
  query: string;
  account: Account | undefined;
  grants: GrantView[];
  /** The app-to-app link, when app-to-app linking is on and the user has one. */
  appLink: AmazonLink | undefined;
  appLinksEnabled: boolean;
  /** A confirmation after an action (e.g. "1 grant revoked"). */
  message?: string | undefined;
}

/** A user's linking state: linked or not, since when, which refresh families, with revoke buttons. */
export function opsUserPage(model: UserModel): string {
  const { account } = model;
  if (!account) {
    const body = html`<section>${lookupForm(model.query)}
<p class="notice warn" role="status" data-testid="not-found">No account has the user name or id <code>${model.query}</code>.</p></section>`;
    return renderOpsPage({ title: 'User not found', serviceName: model.serviceName, operator: model.operator, body });
  }
  const alexaGrants = model.grants.filter((g) => g.alexa);
  const active = alexaGrants.filter((g) => g.status === 'active');
  const first = active.reduce<number | undefined>((min, g) => (min === undefined || g.family.createdAt < min ? g.family.createdAt : min), undefined);
  const body = html`<section>${lookupForm(model.query)}</section>
${model.message ? html`<p class="notice warn" role="status" data-testid="message">${model.message}</p>` : ''}
<section aria-labelledby="account-heading">
<h2 id="account-heading">${account.displayName}</h2>
${scrollRegion('Account', html`<table class="pairs"><tbody>
<tr><th scope="row">User name</th><td><code>${account.username}</code></td></tr>
<tr><th scope="row">Account id</th><td><code data-testid="account-id">${account.id}</code></td></tr>
<tr><th scope="row">Created</th><td>${when(account.createdAt)}</td></tr>
${account.external ? html`<tr><th scope="row">Signs in with</th><td>${account.external.provider}</td></tr>` : ''}
<tr><th scope="row">Alexa</th><td data-testid="link-status">${active.length > 0 ? html`<span class="ok">Linked</span> since ${when(first)} (${active.length} active grant${active.length === 1 ? '' : 's'})` : 'Not linked'}</td></tr>
${model.appLinksEnabled ? html`<tr><th scope="row">Linked from the app</th><td data-testid="app-link">${model.appLink ? `${when(model.appLink.linkedAt)} on ${model.appLink.host} (${model.appLink.stage})` : 'No'}</td></tr>` : ''}
</tbody></table>`)}
${active.length > 0
    ? html`<form method="post" action="/ops/users/revoke" class="inline">
<input type="hidden" name="csrf" value="${model.operator.csrf}">
<input type="hidden" name="user" value="${account.id}">
<button type="submit" class="danger" data-testid="revoke-all">Revoke every Alexa grant</button>
</form>
<p class="muted">Revoking ends the refresh tokens and, within SKILL_REVOCATION_CACHE_MS, the access tokens: Alexa shows the account as unlinked. It does not disable the skill at Amazon.</p>`
    : ''}
</section>
<section aria-labelledby="grants-heading">
<h2 id="grants-heading">Grants (refresh families)</h2>
${model.grants.length > 0
    ? scrollRegion('Grants', html`<table data-testid="grants" class="cards"><thead><tr><th>Family</th><th>Client</th><th>Scope</th><th>Granted</th><th>Last used</th><th>Status</th><th><span class="visually-hidden">Action</span></th></tr></thead><tbody>
${model.grants.map((g) => grantRow(g, account.id, model.operator.csrf))}</tbody></table>`)
    : html`<p class="muted">This user has never granted access.</p>`}
</section>`;
  return renderOpsPage({ title: `User ${account.username}`, serviceName: model.serviceName, operator: model.operator, body });
}

function grantRow(grant: GrantView, userId: string, csrf: string): SafeHtml {
  const f = grant.family;
  const status = grant.status === 'revoked' ? `revoked ${when(f.revokedAt)} (${f.revokedReason ?? 'no reason'})` : grant.status;
  return html`<tr data-family="${f.id}"><td data-label="Family"><code>${f.id}</code></td><td data-label="Client">${f.clientId}${grant.alexa ? ' (Alexa)' : ''}</td><td data-label="Scope">${f.scope}</td><td data-label="Granted">${when(f.createdAt)}</td><td data-label="Last used">${when(f.lastUsedAt)}</td><td data-label="Status" class="text">${status}</td><td>${grant.status === 'active'
    ? html`<form method="post" action="/ops/users/revoke" class="inline">
<input type="hidden" name="csrf" value="${csrf}">
<input type="hidden" name="user" value="${userId}">
<input type="hidden" name="family" value="${f.id}">
<button type="submit" class="danger">Revoke</button>
</form>`
    : ''}</td></tr>
`;
}

function lookupForm(query: string): SafeHtml {
  return html`<form method="get" action="/ops/users" class="inline" role="search">
<div><label for="q">User name or account id</label>
<input id="q" name="q" type="text" autocapitalize="none" spellcheck="false" maxlength="254" value="${query}"></div>
<button type="submit">Look up</button>
</form>`;
}

/** One row per registered client: what it is, what it may do, and what it sent (several Alexa skills each get theirs). */
function clientsTable(clients: ClientDiagnostics[]): SafeHtml {
  return html`<h3>Registered clients</h3>
${scrollRegion('Registered clients', html`<table data-testid="registered-clients" class="cards"><thead><tr><th>Client id</th><th>Kind</th><th>Grants</th><th>Authentication</th><th>PKCE</th><th>Scopes</th><th>Redirect URIs (authorize / token requests)</th><th>Authorize requests</th><th>Token requests</th><th>Last seen</th></tr></thead><tbody>
${clients.map(({ client, traffic, redirects }) => {
    const last = Math.max(traffic?.authorize.lastSeen ?? 0, traffic?.token.lastSeen ?? 0);
    return html`<tr data-client="${client.clientId}"><td data-label="Client id" class="id"><code>${client.clientId}</code><br><span class="muted">${client.clientName}</span></td><td data-label="Kind" class="wrap">${client.kind}${client.alexaVendorId ? html`<br><span class="muted">vendor ${client.alexaVendorId}</span>` : ''}</td><td data-label="Grants" class="wrap">${client.grantTypes.join(', ')}</td><td data-label="Authentication" class="wrap">${client.tokenEndpointAuthMethod}</td><td data-label="PKCE">${client.grantTypes.includes('authorization_code') ? (client.requirePkce ? 'required' : 'optional') : 'n/a'}</td><td data-label="Scopes" class="wrap">${client.scopes.join(' ')}</td><td data-label="Redirect URIs (authorize / token requests)" class="uris">${redirects.length > 0 ? html`${redirects.map((r, i) => html`${i > 0 ? html`<br>` : ''}<code>${r.value}</code> (${r.authorize.count} / ${r.token.count})`)}` : '(none)'}</td><td class="num" data-label="Authorize requests">${traffic?.authorize.count ?? 0}</td><td class="num" data-label="Token requests">${traffic?.token.count ?? 0}</td><td data-label="Last seen">${when(last === 0 ? undefined : last)}</td></tr>
`;
  })}</tbody></table>`)}`;
}

/**
 * A wide table in a region of its own that scrolls sideways on a narrow screen instead of the page;
 * labelled and focusable, so keyboard users can scroll it and screen readers name it.
 */
function scrollRegion(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="scroll" role="region" aria-label="${label} table" tabindex="0">${table}</div>`;
}

function trafficTable(label: string, rows: ValueTraffic[], testId: string): SafeHtml {
  return scrollRegion(`${label} traffic`, html`<table data-testid="${testId}"><thead><tr><th>${label} (registered)</th><th>Authorize requests</th><th>Last at authorize</th><th>Token requests</th><th>Last at token</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td><code>${r.value}</code></td><td class="num">${r.authorize.count}</td><td>${when(r.authorize.lastSeen)}</td><td class="num">${r.token.count}</td><td>${when(r.token.lastSeen)}</td></tr>\n`)}</tbody></table>`);
}

function failureRow(group: FailureGroup): SafeHtml {
  const failure: LinkingFailureRecord = group.latest;
  const seen = group.count === 1 ? html`${when(group.lastAt)}` : html`${when(group.firstAt)}<br>${when(group.lastAt)}`;
  return html`<tr><td class="num" data-label="Times" data-testid="failure-count">${group.count}</td><td data-label="First and last seen">${seen}</td><td data-label="Step">${failure.step}</td><td data-label="Error"><code>${failure.code}</code><br><span class="muted">${failure.category}</span></td><td data-label="Reason" class="text">${failure.reason}</td><td data-label="What to do" class="text">${failure.advice}</td><td data-label="Client / user">${failure.clientId ? html`<code>${failure.clientId}</code>` : ''}${failure.userId ? html`<br><a href="/ops/users?q=${encodeURIComponent(failure.userId)}">${failure.userId}</a>` : ''}</td><td data-label="Request id">${failure.reqId ? html`<code>${failure.reqId}</code>` : ''}</td></tr>
`;
}

function cell(value: string | string[]): SafeHtml {
  return Array.isArray(value) ? html`${value.map((v, i) => html`${i > 0 ? html`<br>` : ''}<code>${v}</code>`)}` : html`<code>${value}</code>`;
}
