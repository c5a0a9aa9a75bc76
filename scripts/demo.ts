import { createTestCertificateChain } from '../simulator/certificates';
import { DemoClock } from './demo/clock';
import { type ExchangeView, exchangeLine, leakedSecrets, Output, type StoryOutcome, summaryTable } from './demo/report';
import { allStories, CheckFailed, createRiders, LINKING_CUSTOMERS, type Story, type StoryContext, VOICE_CUSTOMERS } from './demo/stories';
import { DEMO_CLIENT_ID, type DemoWorld, demoSecrets, startDemoWorld } from './demo/world';

/**
 * `npm run demo`: starts the service and a simulated Amazon on loopback (in-memory store, no browser,
 * no Redis) and walks through the four ways to link an account and an Alexa+ add-on's two tiers, printing every exchange as Amazon and
 * the service see it (secrets masked) and a table of what worked. Exits 0 only when every story worked
 * and no secret it handled appears in its output.
 */

/** The whole demo must finish within this time; a step within STEP_TIMEOUT_MS. */
const DEMO_TIMEOUT_MS = 120_000;
const STEP_TIMEOUT_MS = 20_000;

/** Service log events that say nothing a reader of the demo needs. */
const QUIET_EVENTS = new Set(['http.request', 'http.response', 'skill.request']);

const USAGE = `Usage: npm run demo

Starts the Linkwright service and a simulated Amazon on 127.0.0.1 and runs five account-linking stories:
  1. web linking in the browser, refresh after an hour, disabling the skill
  2. voice-forward linking, each way Alexa's linking task can end
  3. app-to-app linking started in the company's app
  4. app-to-app linking started in the Alexa app
  5. an Alexa+ add-on (MCP): a service token for discovery, the user's link, a tool call, refresh, revocation
Nothing leaves the machine; nothing needs Redis or a browser. Exit status 0 when every story worked.
Secrets are generated, or taken from OAUTH_CLIENT_SECRET, LWA_CLIENT_SECRET, DEMO_PASSWORD,
APP_LINKS_ENCRYPTION_KEY and ALEXA_PLUS_CLIENT_SECRET when set; they are never printed.`;

async function main(): Promise<number> {
  if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
    console.log(USAGE);
    return 0;
  }
  const out = new Output();
  const clock = new DemoClock();
  const secrets = demoSecrets(process.env);
  const known = new Map<string, string>([
    [secrets.oauthClientSecret, 'the OAuth client secret'],
    [secrets.lwaClientSecret, 'the LWA client secret'],
    [secrets.password, 'a rider password'],
    [secrets.encryptionKey, 'the app-links encryption key'],
    [secrets.addonClientSecret, 'the Alexa+ add-on client secret'],
  ]);

  out.line('Linkwright demo: the service and a simulated Amazon on loopback, in-memory store');
  // One signing chain for both simulated Amazons: building one takes about half a second.
  const certificate = createTestCertificateChain({ notBefore: new Date(clock.now() - 86_400_000), notAfter: new Date(clock.now() + 30 * 86_400_000) });
  const [linking, voice] = await Promise.all([
    startDemoWorld({ clock, certificate, secrets, customers: LINKING_CUSTOMERS, accountLinking: 'service' }),
    startDemoWorld({ clock, certificate, secrets, customers: VOICE_CUSTOMERS, accountLinking: 'lwa' }),
  ]);
  const ctx: StoryContext = { clock, secrets, linking, voice, known };
  try {
    describeWorld(out, 'stories 1, 3, 4, 5', linking, 'the service’s own OAuth server');
    describeWorld(out, 'story 2', voice, 'Login with Amazon');
    const riderIds = await createRiders(ctx);
    out.line(`  riders of ours: alice@example.com, bob@example.com, carol@example.com, erin@example.com (password [masked]); Amazon customers Alice, Bob, Carol, Erin, Dana`);

    const outcomes: StoryOutcome[] = [];
    for (const story of allStories(ctx, riderIds)) outcomes.push(await runStory(out, story));

    out.line();
    const leaked = leakedSecrets(out.text(), known);
    const secretsOk = leaked.length === 0;
    out.line(secretsOk ? `Secrets: none of the ${known.size} secrets, tokens, codes and cookies the demo handled appears above.` : `Secrets: FAILED, the output above contains ${leaked.join(', ')}.`);
    out.line();
    out.line('What worked');
    for (const line of summaryTable(outcomes)) out.line(line);
    const worked = outcomes.filter((outcome) => outcome.worked).length;
    out.line();
    out.line(`${worked} of ${outcomes.length} stories worked.`);
    return worked === outcomes.length && secretsOk ? 0 : 1;
  } finally {
    await Promise.allSettled([linking.close(), voice.close()]);
  }
}

function describeWorld(out: Output, label: string, world: DemoWorld, accountLinking: string): void {
  const env = world.amazon.env;
  out.line();
  out.line(`  ${label}: account linking through ${accountLinking}`);
  out.line(`    {service} = ${world.service.url}   the service (OAuth server, skill endpoint /alexa, app-to-app companion)`);
  out.line(`    {amazon}  = ${world.amazon.baseUrl}   simulated Amazon (Login with Amazon, Alexa app, Alexa's redirect, signing chain)`);
  out.line(`    settings it handed the service: SKILL_ID=${env.SKILL_ID} ALEXA_VENDOR_ID=${env.ALEXA_VENDOR_ID} OAUTH_CLIENT_ID=${env.OAUTH_CLIENT_ID ?? DEMO_CLIENT_ID}`);
  out.line(`      OAUTH_CLIENT_SECRET=[masked] LWA_CLIENT_ID=${env.LWA_CLIENT_ID} LWA_CLIENT_SECRET=[masked] LWA_*_URL, ALEXA_*_URL → {amazon}`);
}

/** Runs a story step by step, printing each step's exchanges; stops at the first failed step. */
async function runStory(out: Output, story: Story): Promise<StoryOutcome> {
  out.line();
  out.line(`━━ Story ${story.id}: ${story.title} ${'━'.repeat(Math.max(3, 90 - story.title.length))}`);
  out.line(`   {service} = ${story.world.service.url}, {amazon} = ${story.world.amazon.baseUrl}`);
  const { amazon, log } = story.world;
  let seen = amazon.events.all().at(-1)?.seq ?? 0;
  log.takeNew();
  let passed = 0;
  let failure: string | undefined;
  for (const [index, step] of story.steps.entries()) {
    const label = `${story.id}.${index + 1}`;
    if (failure !== undefined) {
      out.line(`  ▹ ${label} ${step.title}: skipped`);
      continue;
    }
    out.line(`  ▸ ${label} ${step.title}`);
    let result: string | undefined;
    try {
      result = await withTimeout(step.run(), STEP_TIMEOUT_MS, `step ${label} took longer than ${STEP_TIMEOUT_MS / 1000} s`);
      await amazon.settled();
    } catch (error) {
      failure = `step ${label}: ${error instanceof CheckFailed ? `expected ${error.message}` : `error: ${(error as Error).message}`}`;
    }
    for (const event of amazon.events.all().filter((e) => e.seq > seen)) out.line(exchangeLine(event, viewOf(story.world)));
    seen = amazon.events.all().at(-1)?.seq ?? seen;
    const logged = log.takeNew().map((line) => line.event).filter((event) => !QUIET_EVENTS.has(event));
    if (logged.length > 0) out.line(`    service log: ${logged.join(', ')}`);
    if (failure === undefined) {
      passed += 1;
      out.line(`    ✓ ${result ?? 'done'}`);
    } else out.line(`    ✗ ${failure}`);
  }
  return { id: story.id, title: story.title, worked: failure === undefined, stepsPassed: passed, steps: story.steps.length, failure };
}

/** Names for the pair's loopback origins, so lines show {service}/oauth/… rather than port numbers. */
function viewOf(world: DemoWorld): ExchangeView {
  return { skillId: world.amazon.skill.skillId, aliases: [[world.service.url, '{service}'], [world.amazon.baseUrl, '{amazon}']] };
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

// Bounded: whatever hangs, the demo ends (non-zero) instead of running unattended.
const deadline = setTimeout(() => {
  console.error(`The demo did not finish within ${DEMO_TIMEOUT_MS / 1000} s.`);
  process.exit(2);
}, DEMO_TIMEOUT_MS);
deadline.unref();

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The demo could not run: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
