import type { RequestEnvelope } from 'ask-sdk-model';
import type { VoiceExchange } from '../../simulator';
import type { LinkedTokens } from '../../simulator/alexa/token-client';
import type { ToolCallOutcome } from '../../simulator/alexa-plus';
import { AppClient } from './app-client';
import type { DemoClock } from './clock';
import { FormBrowser, type Page, type PageForm } from './form-browser';
import type { DemoSecrets, DemoWorld } from './world';

/** One step of a story: does something, checks what must follow, and says in a few words what it saw. */
export interface Step {
  title: string;
  run(): Promise<string>;
}

/** A story: a way of linking an account, told as steps against one simulator + service pair. */
export interface Story {
  id: number;
  title: string;
  world: DemoWorld;
  steps: Step[];
}

/** What the stories share: the clock, the secrets, both worlds, and the list of secrets seen. */
export interface StoryContext {
  clock: DemoClock;
  secrets: DemoSecrets;
  /** Account linking through the service's OAuth server (stories 1, 3, 4). */
  linking: DemoWorld;
  /** Account linking through Login with Amazon (story 2, voice-forward). */
  voice: DemoWorld;
  /** Every secret value the demo handled → what it is; none may appear in the output. */
  known: Map<string, string>;
}

/** A check of the demo failed: the message says what was expected. */
export class CheckFailed extends Error {}

/** Throws CheckFailed with `expected` when the condition does not hold. */
export function check(condition: unknown, expected: string): asserts condition {
  if (!condition) throw new CheckFailed(expected);
}

/** Our rider accounts, one per Amazon customer of the linking world. */
export const RIDERS = {
  Alice: { username: 'alice@example.com', displayName: 'Alice Rider' },
  Bob: { username: 'bob@example.com', displayName: 'Bob Rider' },
  Carol: { username: 'carol@example.com', displayName: 'Carol Rider' },
  Erin: { username: 'erin@example.com', displayName: 'Erin Rider' },
} as const;

/** Amazon customers of each world. */
export const LINKING_CUSTOMERS = Object.keys(RIDERS).map((name) => ({ name }));
export const VOICE_CUSTOMERS = [{ name: 'Dana', email: 'dana@example.com' }];

/** Creates the rider accounts in the service (the company's user database); returns name → user id. */
export async function createRiders(ctx: StoryContext): Promise<Record<keyof typeof RIDERS, string>> {
  const ids: Record<string, string> = {};
  for (const [name, rider] of Object.entries(RIDERS)) {
    ids[name] = (await ctx.linking.service.services.accounts.create({ username: rider.username, password: ctx.secrets.password, displayName: rider.displayName })).id;
  }
  ctx.known.set(ctx.secrets.password, 'a rider password');
  return ids as Record<keyof typeof RIDERS, string>;
}

/** The five stories, in order. */
export function allStories(ctx: StoryContext, riderIds: Record<keyof typeof RIDERS, string>): Story[] {
  return [webLinking(ctx, riderIds.Alice), voiceForward(ctx), fromYourApp(ctx, riderIds.Bob), fromTheAlexaApp(ctx, riderIds.Carol), alexaPlusAddon(ctx, riderIds.Erin)];
}

function remember(ctx: StoryContext, tokens: LinkedTokens | undefined, whose: string): void {
  if (!tokens) return;
  ctx.known.set(tokens.accessToken, `${whose} access token`);
  if (tokens.refreshToken) ctx.known.set(tokens.refreshToken, `${whose} refresh token`);
}

function rememberBrowser(ctx: StoryContext, browser: FormBrowser): void {
  for (const value of browser.seenCredentials) ctx.known.set(value, 'a code, CSRF token or cookie the browser held');
}

/** The page's form that carries the hidden field (the CSRF token, say). */
function formWithField(page: Page, field: string): PageForm {
  const form = page.forms.find((candidate) => candidate.hidden[field] !== undefined);
  check(form, `a form with a ${field} field on the page "${page.heading}"`);
  return form;
}

function button(form: PageForm, text: string): { name: string; value: string } | undefined {
  const found = form.buttons.find((candidate) => candidate.text === text);
  return found?.name !== undefined && found.value !== undefined ? { name: found.name, value: found.value } : undefined;
}

function quote(speech: string | undefined): string {
  const text = speech ?? '(nothing)';
  return `“${text.length > 70 ? `${text.slice(0, 69)}…` : text}”`;
}

/** The same request carrying an access token the customer no longer has (revoked). */
function withAccessToken(request: RequestEnvelope, accessToken: string): RequestEnvelope {
  const copy = structuredClone(request);
  copy.context.System.user.accessToken = accessToken;
  if (copy.session) copy.session.user.accessToken = accessToken;
  return copy;
}

function startConnectionToken(exchange: VoiceExchange): string | undefined {
  const directive = exchange.response?.response.directives?.[0] as { type?: string; token?: string } | undefined;
  return directive?.type === 'Connections.StartConnection' ? directive.token : undefined;
}

/** Story 1: standard web linking, then refresh after an hour, then disabling revokes the tokens. */
function webLinking(ctx: StoryContext, userId: string): Story {
  const { amazon, service } = ctx.linking;
  const browser = new FormBrowser(amazon.events, service.url);
  const rider = RIDERS.Alice;
  let page: Page | undefined;
  let linked: LinkedTokens | undefined;
  let refreshed: LinkedTokens | undefined;
  return {
    id: 1,
    title: 'Web linking in the browser (code + PKCE), refresh, disable',
    world: ctx.linking,
    steps: [
      {
        title: 'Alexa opens the service’s authorization URI in Alice’s browser',
        run: async () => {
          page = await browser.get(amazon.web.authorizeUrl({ customer: 'Alice' }));
          check(page.status === 200 && page.heading === 'Sign in to link Alexa', 'the sign-in page');
          const form = formWithField(page, 'csrf');
          check(form.hidden.interaction && form.hidden.csrf, 'hidden interaction and CSRF fields');
          return 'the sign-in page, with an interaction bound to this browser by a cookie and a CSRF token';
        },
      },
      {
        title: 'Alice signs in with her account of ours',
        run: async () => {
          check(page, 'the sign-in page from the step before');
          page = await browser.submit(page, formWithField(page, 'csrf'), { username: rider.username, password: ctx.secrets.password });
          check(page.heading === 'Allow Alexa to use your account?', `the consent page, got "${page.heading}"`);
          check(page.html.includes(rider.displayName), 'the consent page names the signed-in account');
          return `the consent page for ${rider.displayName}`;
        },
      },
      {
        title: 'Alice allows; Alexa receives the code at its redirect URL and redeems it',
        run: async () => {
          check(page, 'the consent page from the step before');
          const form = formWithField(page, 'csrf');
          const allow = button(form, 'Allow');
          check(allow, 'an Allow button');
          page = await browser.submit(page, form, {}, allow);
          rememberBrowser(ctx, browser);
          check(page.html.includes('successfully linked'), `Alexa’s success page, got "${page.heading}" (${page.status})`);
          const link = amazon.linkStatus('Alice')?.link;
          check(link?.via === 'web', 'Alexa holds tokens from web linking');
          remember(ctx, link, 'Alexa’s');
          linked = link;
          check(service.services.accessTokens.verify(link.accessToken).sub === userId, 'the access token names Alice’s account');
          return 'Alexa: “Your Ride Hailer account has been successfully linked.” — it holds an access and a refresh token';
        },
      },
      {
        title: '“Alexa, open Ride Hailer” (a signed LaunchRequest carrying the token)',
        run: async () => {
          const launch = await amazon.voice('Alice').launch();
          check(launch.status === 200 && launch.accessToken === linked?.accessToken, 'a request with the linked token, answered 200');
          check(launch.speech?.startsWith(`Welcome back to Ride Hailer, ${rider.displayName}.`), `a personal welcome, got ${quote(launch.speech)}`);
          return `the skill knows her: ${quote(launch.speech)}`;
        },
      },
      {
        title: 'An hour later (the shared clock jumps 60 minutes), Alexa refreshes the token',
        run: async () => {
          ctx.clock.advance(service.services.settings.oauth.accessTokenTtlSec * 1000);
          const launch = await amazon.voice('Alice').launch();
          const refresh = amazon.events.find({ from: 'Alexa', to: 'service', path: '/oauth/token' }).at(-1);
          check(refresh?.params.grant_type === 'refresh_token' && refresh.status === 200, 'a refresh_token grant answered 200');
          refreshed = amazon.linkStatus('Alice')?.link;
          remember(ctx, refreshed, 'Alexa’s refreshed');
          check(refreshed && refreshed.accessToken !== linked?.accessToken && refreshed.refreshToken !== linked?.refreshToken, 'a new access token and a rotated refresh token');
          check(launch.speech?.startsWith(`Welcome back to Ride Hailer, ${rider.displayName}.`), `still a personal welcome, got ${quote(launch.speech)}`);
          return 'new access token, rotated refresh token; the skill still greets Alice by name';
        },
      },
      {
        title: 'Alice disables the skill in the Alexa app (Alexa sends SkillDisabled)',
        run: async () => {
          const disabled = await amazon.voice('Alice').skillDisabled();
          check(disabled?.status === 200, 'the SkillDisabled event answered 200');
          const revoked = ctx.linking.log.events('skill.disabled').at(-1)?.fields;
          check(revoked?.userId === userId && revoked.grants === 1, 'the service revoked Alice’s grant to Alexa');
          return 'the service revoked the grant Alexa held (1 token family)';
        },
      },
      {
        title: 'The old tokens stop working',
        run: async () => {
          check(linked?.refreshToken && refreshed?.refreshToken, 'the tokens from the steps before');
          const fresh = await amazon.voice('Alice').intent('OrderRideIntent', { destination: 'Boston' });
          const order = await amazon.voice('Alice').send(withAccessToken(fresh.request, refreshed.accessToken));
          check(order.response?.response.card?.type === 'LinkAccount' && !order.speech?.includes('booked'), 'the revoked access token gets the LinkAccount card, no ride');
          const outcome = await amazon.tokenClient.refresh(refreshed.refreshToken);
          check(!outcome.ok && outcome.status === 400 && outcome.error === 'invalid_grant', 'the token endpoint refuses the revoked refresh token with invalid_grant');
          return 'the skill answers the old access token with the LinkAccount card; the refresh token gets invalid_grant';
        },
      },
    ],
  };
}

/** Story 2: voice-forward linking, every way Alexa's linking task can end. */
function voiceForward(ctx: StoryContext): Story {
  const { amazon } = ctx.voice;
  const alexa = () => amazon.voice('Dana');
  let token: string | undefined;

  /** Opens the skill and says "link my account"; returns the StartConnection token. */
  const askToLink = async (): Promise<string> => {
    const launch = await alexa().launch();
    check(launch.status === 200 && launch.accessToken === undefined, 'an unlinked launch answered 200');
    const ask = await alexa().intent('LinkAccountIntent');
    const connection = startConnectionToken(ask);
    check(connection, 'a Connections.StartConnection directive');
    return connection;
  };
  const outcomeStep = (title: string, result: 'DENIED' | 'USER_REQUIREMENTS_NOT_MET' | 'LINKED', status: { code: string; message: string }, expect: (exchange: VoiceExchange) => string): Step => ({
    title,
    run: async () => {
      const resumed = await alexa().resumeSession(await askToLink(), result, status);
      check(resumed.status === 200, `the SessionResumedRequest answered 200, got ${resumed.status ?? 'no answer'}`);
      return expect(resumed);
    },
  });

  return {
    id: 2,
    title: 'Voice-forward linking (Login with Amazon), every outcome',
    world: ctx.voice,
    steps: [
      {
        title: '“Alexa, open Ride Hailer” before linking',
        run: async () => {
          const launch = await alexa().launch();
          check(launch.accessToken === undefined, 'no token yet');
          check(launch.speech?.startsWith('Welcome to Ride Hailer.'), `the unlinked welcome, got ${quote(launch.speech)}`);
          return `${quote(launch.speech)}`;
        },
      },
      {
        title: '“Link my account”: the skill hands over to Alexa’s linking task',
        run: async () => {
          const ask = await alexa().intent('LinkAccountIntent');
          token = startConnectionToken(ask);
          check(token, 'a Connections.StartConnection directive to AMAZON.AskForAccountLinking');
          check(ask.response?.response.shouldEndSession === undefined, 'the session left open for the task');
          return `${quote(ask.speech)} + Connections.StartConnection (connection://AMAZON.AskForAccountLinking/1)`;
        },
      },
      {
        title: 'Dana declines (SessionResumedRequest, result DENIED)',
        run: async () => {
          check(token, 'the connection token from the step before');
          const resumed = await alexa().resumeSession(token, 'DENIED');
          check(resumed.speech?.startsWith('No problem.') && !resumed.response?.response.card, `a polite carry-on without a card, got ${quote(resumed.speech)}`);
          return `${quote(resumed.speech)}`;
        },
      },
      outcomeStep('Again, from a device without her voice profile (USER_REQUIREMENTS_NOT_MET)', 'USER_REQUIREMENTS_NOT_MET', { code: '200', message: 'OK' }, (resumed) => {
        check(resumed.response?.response.card?.type === 'LinkAccount', 'the LinkAccount card');
        return `LinkAccount card: ${quote(resumed.speech)}`;
      }),
      outcomeStep('Again, and the linking task fails (status 500)', 'LINKED', { code: '500', message: 'Internal error' }, (resumed) => {
        check(resumed.response?.response.card?.type === 'LinkAccount', 'the LinkAccount card, not an error');
        check(!amazon.linkStatus('Dana')?.link, 'no link made');
        return 'LinkAccount card, nothing linked';
      }),
      outcomeStep('Again, and Dana agrees (LINKED): Alexa links through Login with Amazon', 'LINKED', { code: '200', message: 'OK' }, (resumed) => {
        const link = amazon.linkStatus('Dana')?.link;
        remember(ctx, link, 'Alexa’s LWA');
        check(link?.via === 'voice' && resumed.accessToken === link.accessToken, 'the resumed request carries the new token');
        check(resumed.speech?.startsWith('Thanks, your Ride Hailer account is now linked.'), `thanks, got ${quote(resumed.speech)}`);
        return `${quote(resumed.speech)}`;
      }),
      {
        title: '“Alexa, open Ride Hailer” once linked',
        run: async () => {
          const launch = await alexa().launch();
          check(launch.speech?.startsWith('Welcome back to Ride Hailer, Dana.'), `a personal welcome (name from the LWA profile), got ${quote(launch.speech)}`);
          return `${quote(launch.speech)}`;
        },
      },
    ],
  };
}

/** Story 3: app-to-app linking started in the company's app, finished on the return URL in a browser. */
function fromYourApp(ctx: StoryContext, userId: string): Story {
  const { amazon, service } = ctx.linking;
  const browser = new FormBrowser(amazon.events, service.url);
  const rider = RIDERS.Bob;
  let app: AppClient | undefined;
  let alexaAppUrl: string | undefined;
  let returnUrl: string | undefined;
  return {
    id: 3,
    title: 'App-to-app from your app (Alexa app consent, return URL)',
    world: ctx.linking,
    steps: [
      {
        title: 'Bob, signed in to the company’s app, taps “Link with Alexa”: the app asks the service to start',
        run: async () => {
          const { refreshTokens, accessTokens, clients } = service.services;
          // The app's own session with the company (its sign-in is not part of this story): a grant to
          // the app's public client, which CLIENTS_FILE would register.
          if (!clients.find('company-app')) clients.register({ id: 'company-app', kind: 'app', authMethod: 'none', redirectUris: ['com.example.rides:/oauth/callback'], scopes: ['profile'] });
          const { family } = await refreshTokens.issue({ userId, clientId: 'company-app', scope: 'profile' });
          const session = accessTokens.sign({ userId, clientId: 'company-app', scope: 'profile', familyId: family.id }).token;
          ctx.known.set(session, 'the app’s session token');
          app = new AppClient(amazon.events, service.url, session);
          const started = await app.call('POST', '/app-links/start');
          check(started.status === 200 && typeof started.body.alexaAppUrl === 'string', 'the Alexa app URL');
          alexaAppUrl = started.body.alexaAppUrl;
          const url = new URL(alexaAppUrl);
          check(url.searchParams.get('code_challenge_method') === 'S256' && url.searchParams.get('redirect_uri') === `${service.url}/app-links/return`, 'PKCE and the app’s return URL');
          return 'the Alexa app universal link (with PKCE and a single-use state) and the Login with Amazon fallback';
        },
      },
      {
        title: 'The app opens the Alexa app; Bob agrees on Amazon’s consent screen',
        run: async () => {
          check(alexaAppUrl, 'the Alexa app URL from the step before');
          amazon.customers.signIn('Bob');
          const consent = await fetch(alexaAppUrl, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
          const location = consent.headers.get('location');
          check(consent.status === 302 && location, 'a redirect back to the app');
          const back = new URL(location);
          const code = back.searchParams.get('code');
          check(code && back.searchParams.get('state') && `${back.origin}${back.pathname}` === `${service.url}/app-links/return`, 'the return URL with Amazon’s code and the state');
          ctx.known.set(code, 'Amazon’s authorization code');
          returnUrl = back.toString();
          return 'Amazon sends Bob to the app’s return URL with its code and the state';
        },
      },
      {
        title: 'The app is not installed: the return URL opens in the browser, Bob confirms with one tap',
        run: async () => {
          check(returnUrl, 'the return URL from the step before');
          let page = await browser.get(returnUrl);
          check(page.heading === 'Finish linking Alexa' && page.html.includes('Bob Rider'), `the confirmation page naming Bob’s account, got "${page.heading}"`);
          const form = formWithField(page, 'csrf');
          page = await browser.submit(page, form, {});
          rememberBrowser(ctx, browser);
          check(page.heading === 'Alexa is linked', `the result page, got "${page.heading}" (${page.status})`);
          const link = amazon.linkStatus('Bob')?.link;
          remember(ctx, link, 'Alexa’s');
          check(link?.via === 'app-to-app' && service.services.accessTokens.verify(link.accessToken).sub === userId, 'Alexa holds tokens of ours for Bob');
          return 'the service exchanged Amazon’s code, found the endpoint and enabled the skill; Alexa redeemed the service’s code';
        },
      },
      {
        title: 'The app shows the link status (from the Skill Enablement API)',
        run: async () => {
          check(app, 'the app from the first step');
          const status = await app.call('GET', '/app-links/status');
          check(status.body.linked === true && status.body.accountLinkStatus === 'LINKED', 'linked: true, accountLinkStatus LINKED');
          return 'ENABLED, LINKED';
        },
      },
      {
        title: '“Alexa, open Ride Hailer”',
        run: async () => {
          const launch = await amazon.voice('Bob').launch();
          check(launch.speech?.startsWith(`Welcome back to Ride Hailer, ${rider.displayName}.`), `a personal welcome, got ${quote(launch.speech)}`);
          return `${quote(launch.speech)}`;
        },
      },
      {
        title: 'Bob unlinks in the app',
        run: async () => {
          check(app, 'the app from the first step');
          const unlinked = await app.call('DELETE', '/app-links/link');
          check(unlinked.body.amazonDisabled === true && unlinked.body.revokedGrants === 1, 'the skill disabled at Amazon and Alexa’s grant revoked');
          await amazon.settled();
          check(amazon.linkStatus('Bob') === undefined, 'Alexa forgot the link');
          const status = await app.call('GET', '/app-links/status');
          check(status.body.linked === false, 'the status says not linked (and the app’s own session still works)');
          return 'skill disabled at Amazon (SkillDisabled delivered), grant revoked, Bob still signed in to the app';
        },
      },
    ],
  };
}

/** Story 4: app-to-app linking started in the Alexa app, the platform authorization URL in a browser. */
function fromTheAlexaApp(ctx: StoryContext, userId: string): Story {
  const { amazon, service } = ctx.linking;
  const browser = new FormBrowser(amazon.events, service.url);
  const rider = RIDERS.Carol;
  let page: Page | undefined;
  let state: string | undefined;
  return {
    id: 4,
    title: 'App-to-app from the Alexa app (platform authorization URL)',
    world: ctx.linking,
    steps: [
      {
        title: 'The Alexa app opens the skill’s platform authorization URL; the app is not installed: the browser',
        run: async () => {
          // The console's platform authorization URL is the app's universal link, served by the service as a page.
          amazon.connectService({ authorizeUrl: `${service.url}/app-links/authorize` });
          try {
            const url = new URL(amazon.web.authorizeUrl({ customer: 'Carol' }));
            state = url.searchParams.get('state') ?? undefined;
            page = await browser.get(url.toString());
          } finally {
            amazon.connectService({ authorizeUrl: `${service.url}/oauth/authorize` });
          }
          check(page.heading === 'Link Alexa to your account', `the sign-in and consent page, got "${page.heading}" (${page.status})`);
          return 'sign-in and consent on one page';
        },
      },
      {
        title: 'Carol signs in and allows: back to Alexa with code, state and source=app; Alexa redeems the code',
        run: async () => {
          check(page, 'the page from the step before');
          const form = formWithField(page, 'csrf');
          const allow = button(form, 'Allow');
          check(allow, 'an Allow button');
          page = await browser.submit(page, form, { username: rider.username, password: ctx.secrets.password }, allow);
          rememberBrowser(ctx, browser);
          const back = amazon.events.find({ to: 'pitangui.amazon.com' }).at(-1);
          check(back?.params.state === state && back?.params.code, 'Alexa’s redirect URL received the code and the state');
          check(back.params.source === 'app', 'the redirect carries source=app');
          check(page.html.includes('successfully linked'), `Alexa’s success page, got "${page.heading}" (${page.status})`);
          const redemption = amazon.events.find({ from: 'Alexa', to: 'service', path: '/oauth/token' }).at(-1);
          check(redemption?.params.grant_type === 'authorization_code' && redemption.params.code_verifier && redemption.status === 200, 'Alexa redeemed the code with its PKCE verifier');
          const link = amazon.linkStatus('Carol')?.link;
          remember(ctx, link, 'Alexa’s');
          check(link && service.services.accessTokens.verify(link.accessToken).sub === userId, 'Alexa holds tokens of ours for Carol');
          return 'linked: Alexa holds an access and a refresh token for Carol';
        },
      },
      {
        title: '“Alexa, open Ride Hailer”',
        run: async () => {
          const launch = await amazon.voice('Carol').launch();
          check(launch.speech?.startsWith(`Welcome back to Ride Hailer, ${rider.displayName}.`), `a personal welcome, got ${quote(launch.speech)}`);
          return `${quote(launch.speech)}`;
        },
      },
    ],
  };
}

/** The claims of a JWT, unverified: the demo only reads who a token names and for which server. */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

function toolText(outcome: ToolCallOutcome): string {
  return outcome.ok ? (outcome.result.content.find((c) => c.type === 'text')?.text ?? '') : '';
}

/** Story 5: an Alexa+ add-on (MCP): Tier 1 discovery, the user's link, a tool call, refresh, revocation. */
function alexaPlusAddon(ctx: StoryContext, userId: string): Story {
  const { amazon, service } = ctx.linking;
  const plus = amazon.alexaPlus;
  const browser = new FormBrowser(amazon.events, service.url);
  const rider = RIDERS.Erin;
  let page: Page | undefined;
  const rememberTokens = (tokens: { accessToken: string; refreshToken: string | undefined }, whose: string) => remember(ctx, { ...tokens, scope: undefined, expiresAt: 0, obtainedAt: 0 }, whose);
  return {
    id: 5,
    title: 'Alexa+ add-on (MCP): service token, link, tool call, refresh, revoke',
    world: ctx.linking,
    steps: [
      {
        title: 'Alexa+ obtains a service-level token (Tier 1, client_credentials, resource = the MCP server)',
        run: async () => {
          const tokens = await plus.obtainServiceToken();
          rememberTokens(tokens, 'Alexa+’s service');
          const claims = claimsOf(tokens.accessToken);
          check(claims.aud === plus.mcpUrl && claims.gty === 'client_credentials', 'a token for the MCP server with no user behind it');
          check(tokens.refreshToken === undefined, 'no refresh token for client_credentials');
          return 'a service token whose audience is the MCP server, no user, no refresh token';
        },
      },
      {
        title: 'Alexa+ runs initialize and tools/list with it (the official MCP SDK client)',
        run: async () => {
          const found = await plus.discoverTools();
          check(found.server === 'ride-hailer' && found.tools.includes('order_ride') && found.tools.includes('rides_available'), `the Ride Hailer tools, got ${found.tools.join(', ')}`);
          return `server ${found.server ?? '?'} with tools ${found.tools.sort().join(', ')}`;
        },
      },
      {
        title: '“Alexa, get me a ride” before Erin links: order_ride says to link',
        run: async () => {
          const asked = await plus.callTool('Erin', 'order_ride', { city: 'Seattle' });
          check(asked.ok && asked.result.isError === true, 'a tool result marked isError, not a failure');
          check(/link your Ride Hailer account/i.test(toolText(asked)), `the link prompt, got ${quote(toolText(asked))}`);
          const open = await plus.callTool('Erin', 'rides_available', { city: 'Seattle' });
          check(open.ok && /^Rides are available in Seattle/.test(toolText(open)), 'rides_available answers without an account');
          return `${quote(toolText(asked))}; rides_available still answers`;
        },
      },
      {
        title: 'Erin links the add-on in the Alexa app: the same sign-in and consent pages (code + PKCE S256)',
        run: async () => {
          page = await browser.get(plus.authorizeUrl('Erin'));
          check(page.status === 200 && page.heading.startsWith('Sign in'), `the sign-in page, got "${page.heading}" (${page.status})`);
          page = await browser.submit(page, formWithField(page, 'csrf'), { username: rider.username, password: ctx.secrets.password });
          check(page.heading.startsWith('Allow Alexa+'), `the consent page naming Alexa+, got "${page.heading}"`);
          const form = formWithField(page, 'csrf');
          const allow = button(form, 'Allow');
          check(allow, 'an Allow button');
          page = await browser.submit(page, form, {}, allow);
          rememberBrowser(ctx, browser);
          check(page.html.includes('successfully linked to Alexa+'), `Alexa+’s success page, got "${page.heading}" (${page.status})`);
          const link = plus.linkOf('Erin');
          check(link?.refreshToken, 'Alexa+ holds an access and a refresh token');
          rememberTokens(link, 'Alexa+’s user');
          const redemption = amazon.events.find({ from: 'Alexa+', to: 'service', path: '/oauth/token' }).at(-1);
          check(redemption?.params.grant_type === 'authorization_code' && redemption.params.code_verifier, 'the code was redeemed with its PKCE verifier');
          check(claimsOf(link.accessToken).sub === userId && claimsOf(link.accessToken).aud === plus.mcpUrl, 'the token names Erin’s account and the MCP server');
          return 'linked: the same account and pages as the classic skill, a token for the MCP server';
        },
      },
      {
        title: '“Alexa, get me a ride to the airport”: order_ride with Erin’s token',
        run: async () => {
          const ordered = await plus.callTool('Erin', 'order_ride', { city: 'Seattle', destination: 'the airport' });
          check(ordered.ok && !ordered.result.isError && /booked/.test(toolText(ordered)), `a booked ride, got ${quote(toolText(ordered))}`);
          return quote(toolText(ordered));
        },
      },
      {
        title: 'An hour later Alexa+ refreshes the token (rotation) and orders again',
        run: async () => {
          const before = plus.linkOf('Erin');
          ctx.clock.advance(service.services.settings.oauth.accessTokenTtlSec * 1000);
          const after = await plus.refresh('Erin');
          rememberTokens(after, 'Alexa+’s refreshed');
          check(after.accessToken !== before?.accessToken && after.refreshToken !== before?.refreshToken, 'a new access token and a rotated refresh token');
          const ordered = await plus.callTool('Erin', 'order_ride', { city: 'Boston' });
          check(ordered.ok && /booked/.test(toolText(ordered)), 'the refreshed token orders a ride');
          return 'new access token, rotated refresh token, another ride booked';
        },
      },
      {
        title: 'Erin revokes Linkwright’s grants (what npm run account -- revoke does); Alexa+ tries again',
        run: async () => {
          const grants = await service.services.revocations.revokeUser(userId, 'revoked by the user');
          check(grants >= 1, 'at least one grant revoked');
          const refused = await plus.callTool('Erin', 'order_ride', { city: 'Boston' });
          check(!refused.ok && refused.status === 401 && refused.message.includes('has been revoked'), `a 401 saying the token was revoked, got ${refused.ok ? 'a result' : refused.message}`);
          return `401: “The access token has been revoked…”; no ride`;
        },
      },
    ],
  };
}
