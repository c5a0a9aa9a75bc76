import { registerAppClient } from '../support/clients';
import type { RequestEnvelope } from 'ask-sdk-model';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, type CustomerConfig, startAmazonSimulator } from '../../simulator';
import { sharedCertificate } from '../simulator/helpers';
import { freePort } from '../support/ports';
import { startTestService, type TestService } from '../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_VENDOR_ID } from '../support/settings';

/** The phone width the pages must fit (Amazon asks for mobile-friendly linking pages). */
export const PHONE_WIDTH = 360;
export const PASSWORD = 'correct horse battery staple';
/** 32 bytes, base64: app-links seals the stored Amazon tokens with it. */
export const ENCRYPTION_KEY = Buffer.alloc(32, 9).toString('base64');

/** An Amazon customer of the simulator and the account of ours the same person holds. */
export interface Rider {
  customer: string;
  username: string;
  displayName: string;
  userId: string;
}

/** The Amazon simulator and the real service (Redis store) sharing one manual clock. */
export interface World {
  clock: ManualClock;
  amazon: AmazonSimulator;
  service: TestService;
  close(): Promise<void>;
}

/**
 * Starts the simulator and the whole service on loopback, the service on a Redis store, with the
 * skill's account linking pointed at the service's own OAuth server. The service's port is chosen
 * first so its app-to-app return URL can be registered with the simulated Login with Amazon before
 * either starts, as a developer registers it in the console.
 */
export async function startServiceLinkingWorld(
  customers: CustomerConfig[],
  /** More settings for the service, from the simulator's (e.g. a CLIENTS_FILE holding its redirect URIs). */
  moreEnv: (amazonEnv: AmazonSimulator['env']) => Record<string, string | undefined> = () => ({}),
): Promise<World> {
  const clock = new ManualClock();
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const amazon = await startAmazonSimulator({
    clock,
    certificate: sharedCertificate(),
    service: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, vendorId: TEST_VENDOR_ID, scheme: 'HTTP_BASIC', name: 'Ride Hailer' },
    lwaClient: { redirectUris: [`${publicUrl}/app-links/return`] },
    users: customers,
  });
  let service: TestService;
  try {
    service = await startTestService({
      clock,
      store: 'redis',
      env: { ...amazon.env, PORT: String(port), PUBLIC_URL: publicUrl, APP_LINKS_ENCRYPTION_KEY: ENCRYPTION_KEY, APP_LINKS_RETRY_BASE_MS: '0', ...moreEnv(amazon.env) },
    });
  } catch (error) {
    await amazon.close();
    throw error;
  }
  amazon.connectService({ url: service.url });
  return { clock, amazon, service, close: () => closeWorld(amazon, service) };
}

/**
 * Starts the simulator with the skill's account linking through Login with Amazon (what Alexa's
 * voice-forward linking requires) and the service resolving LWA tokens, on a Redis store.
 */
export async function startLwaLinkingWorld(customers: CustomerConfig[]): Promise<World> {
  const clock = new ManualClock();
  const amazon = await startAmazonSimulator({ clock, certificate: sharedCertificate(), accountLinking: 'lwa', service: { vendorId: TEST_VENDOR_ID, name: 'Ride Hailer' }, users: customers });
  let service: TestService;
  try {
    service = await startTestService({ clock, store: 'redis', env: { ...amazon.env, SKILL_LINKING_PROVIDER: 'lwa' } });
  } catch (error) {
    await amazon.close();
    throw error;
  }
  amazon.connectService({ skillEndpoint: `${service.url}/alexa` });
  return { clock, amazon, service, close: () => closeWorld(amazon, service) };
}

async function closeWorld(amazon: AmazonSimulator, service: TestService): Promise<void> {
  await amazon.close();
  await service.close();
}

/** Creates the account of ours a customer signs in with. */
export async function createRider(world: World, customer: string, username: string, displayName: string): Promise<Rider> {
  const account = await world.service.services.accounts.create({ username, password: PASSWORD, displayName });
  return { customer, username, displayName, userId: account.id };
}

/** A 360-pixel-wide touch phone that records CSP violations and dialogs (Amazon forbids pop-ups). */
export interface Phone {
  context: BrowserContext;
  page: Page;
  cspViolations: string[];
  dialogs: string[];
}

/** Opens a fresh phone-sized browser context (no cookies shared with other stories). */
export async function openPhone(browser: Browser): Promise<Phone> {
  const context = await browser.newContext({ viewport: { width: PHONE_WIDTH, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const cspViolations: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { context, page, cspViolations, dialogs };
}

/**
 * Accessibility basics of one of our pages, as a list of problems (empty when fine): every visible
 * input has exactly one <label for>, there is exactly one h1, nothing scrolls sideways at 360 px,
 * and every button and input is visible, inside the viewport's width and at least 24 px square
 * (WCAG 2.2 minimum target size).
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const input of await page.locator('input:not([type=hidden]), select, textarea').all()) {
    const id = await input.getAttribute('id');
    const name = (await input.getAttribute('name')) ?? '(unnamed)';
    if (!id || (await page.locator(`label[for="${id}"]`).count()) !== 1) problems.push(`input ${name} has no label`);
  }
  const headings = await page.locator('h1').count();
  if (headings !== 1) problems.push(`${headings} h1 elements`);
  // A string expression runs in the page; this project's TypeScript has no DOM types.
  const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
  if (scrollWidth > PHONE_WIDTH) problems.push(`scrollWidth ${scrollWidth} > ${PHONE_WIDTH}`);
  for (const target of await page.locator('button, input:not([type=hidden]), a[href]').all()) {
    const label = ((await target.textContent()) ?? '').trim() || ((await target.getAttribute('name')) ?? 'target');
    if (!(await target.isVisible())) {
      problems.push(`${label} is not visible`);
      continue;
    }
    const box = await target.boundingBox();
    if (!box) problems.push(`${label} has no box`);
    else if (box.x < 0 || box.x + box.width > PHONE_WIDTH) problems.push(`${label} sticks out of the viewport (${Math.round(box.x)}..${Math.round(box.x + box.width)})`);
    else if (box.width < 24 || box.height < 24) problems.push(`${label} is too small to tap (${Math.round(box.width)}×${Math.round(box.height)})`);
  }
  return problems;
}

/** Fails with the list of problems when a page misses an accessibility basic. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  expect(await accessibilityProblems(page), `accessibility of the ${what}`).to.deep.equal([]);
}

/**
 * The same request Alexa just sent, now carrying another access token (one the customer no longer
 * has): how a test shows that a revoked token is refused by the skill.
 */
export function withAccessToken(request: RequestEnvelope, accessToken: string): RequestEnvelope {
  const copy = structuredClone(request);
  copy.context.System.user.accessToken = accessToken;
  if (copy.session) copy.session.user.accessToken = accessToken;
  return copy;
}

/**
 * The company app's own signed-in session for a rider: a grant of ours to the app's client (not to
 * Alexa's), as the app would hold after its own sign-in, which is outside these stories.
 */
export async function appSession(world: World, rider: Rider): Promise<string> {
  const { refreshTokens, accessTokens } = world.service.services;
  registerAppClient(world.service.services);
  const { family } = await refreshTokens.issue({ userId: rider.userId, clientId: 'company-app', scope: 'profile' });
  return accessTokens.sign({ userId: rider.userId, clientId: 'company-app', scope: 'profile', familyId: family.id }).token;
}

/** A JSON call to the service's app-links API with the app's bearer token. */
export async function callAppApi(world: World, method: string, path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${world.service.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The exchanges the simulator saw from a sequence number on, as "from → to METHOD path status" lines. */
export function exchangesSince(world: World, seq: number): string[] {
  return world.amazon.events
    .all()
    .filter((event) => event.seq > seq)
    .map((event) => `${event.from} → ${event.to} ${event.method} ${new URL(event.url, 'http://x').pathname} ${event.status ?? '-'}`);
}

/** The sequence number of the last exchange so far (0 when none). */
export function lastSeq(world: World): number {
  return world.amazon.events.all().at(-1)?.seq ?? 0;
}
