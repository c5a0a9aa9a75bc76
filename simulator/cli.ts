import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { AccessTokenScheme } from './alexa/skill-config';
import type { VoiceLinkResult } from './alexa/envelopes';
import { WEB_LINK_START_PATH } from './alexa/web-linking';
import { ADDON_LINK_START_PATH } from './alexa-plus';
import type { VoiceExchange } from './alexa/voice';
import { formatEvent } from './events';
import { randomValue } from './ids';
import { type AccountLinkingProvider, type AmazonSimulator, startAmazonSimulator } from './index';

/**
 * `tsx simulator/cli.ts`: starts the Amazon simulator on loopback, prints the environment to give the
 * service, prints every exchange as it happens, and takes a few commands on stdin (help lists them).
 * It stops on Ctrl-C (or SIGTERM, or "quit") or after --minutes (default 60), so it never runs unattended
 * forever. End of input does not stop it, so it can run in the background with stdin closed.
 */

const USAGE = `Usage: tsx simulator/cli.ts [options]

  --service-url URL        the service's base URL (default $PUBLIC_URL or http://127.0.0.1:3000)
  --client-id ID           the OAuth client Alexa authenticates as (default $OAUTH_CLIENT_ID or alexa-skill)
  --client-secret SECRET   its secret (default $OAUTH_CLIENT_SECRET, else generated and printed)
  --scheme S               HTTP_BASIC (default) or REQUEST_BODY_CREDENTIALS
  --vendor-id ID           Alexa vendor id (default $ALEXA_VENDOR_ID or M2SIMULATOR)
  --skill-id ID            skill id (default $SKILL_ID, else generated)
  --skill-name NAME        name on Alexa's pages (default $SKILL_NAME or Linkwright)
  --account-linking P      service (default) or lwa (link through the simulated Login with Amazon)
  --app-redirect-url URL   the app's redirect URL for app-to-app linking (repeatable)
  --lwa-client-id ID       the skill's Alexa client id (default $LWA_CLIENT_ID, else generated)
  --lwa-client-secret S    its secret (default $LWA_CLIENT_SECRET, else generated)
  --user NAME[:EMAIL]      an Amazon customer (repeatable; the first is signed in)
  --endpoint HOST          a hostname endpoint discovery returns (repeatable; default api.amazonalexa.com)
  --addon                  also play Alexa+ calling the service's MCP add-on (prints ALEXA_PLUS_* for the service)
  --addon-client-id ID     the add-on's OAuth client (default $ALEXA_PLUS_CLIENT_ID or alexa-plus)
  --addon-client-secret S  its secret (default $ALEXA_PLUS_CLIENT_SECRET, else generated)
  --port N                 port of the main Amazon host (default: a free one)
  --minutes N              stop after N minutes (1-1440, default 60)
  --quiet                  do not print exchanges
  --help                   this text
`;

const COMMANDS = `Commands:
  launch                         "Alexa, open the skill"
  intent NAME [slot=value ...]   an intent in the open session
  resume TOKEN LINKED|DENIED|USER_REQUIREMENTS_NOT_MET   resume after StartConnection
  end                            end the session
  disable                        the customer disables the skill (SkillDisabled is sent)
  signin NAME                    sign another customer in
  deny | allow                   what the customer answers on consent screens
  status                         the signed-in customer's enablement and link
  fail HOST STATUS|reset|hang|off   make an Alexa API host misbehave
  addon-discover                 Alexa+ gets a service token and runs initialize and tools/list (--addon)
  addon-call TOOL [arg=value ...]   Alexa+ calls a tool for the signed-in customer (their link, else the service token)
  addon-refresh                  Alexa+ refreshes the signed-in customer's add-on tokens
  help | quit`;

/** Parses the command line (and the service's environment variables as defaults); throws on a mistake. */
export function parseCommandLine(argv: string[], env: NodeJS.ProcessEnv): { help: true } | { help: false; options: CliOptions } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'service-url': { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      scheme: { type: 'string' },
      'vendor-id': { type: 'string' },
      'skill-id': { type: 'string' },
      'skill-name': { type: 'string' },
      'account-linking': { type: 'string' },
      'app-redirect-url': { type: 'string', multiple: true },
      'lwa-client-id': { type: 'string' },
      'lwa-client-secret': { type: 'string' },
      addon: { type: 'boolean' },
      'addon-client-id': { type: 'string' },
      'addon-client-secret': { type: 'string' },
      user: { type: 'string', multiple: true },
      endpoint: { type: 'string', multiple: true },
      port: { type: 'string' },
      minutes: { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return { help: true };
  const scheme = values.scheme ?? 'HTTP_BASIC';
  if (scheme !== 'HTTP_BASIC' && scheme !== 'REQUEST_BODY_CREDENTIALS') throw new Error(`--scheme must be HTTP_BASIC or REQUEST_BODY_CREDENTIALS, got "${scheme}"`);
  const accountLinking = values['account-linking'] ?? 'service';
  if (accountLinking !== 'service' && accountLinking !== 'lwa') throw new Error(`--account-linking must be service or lwa, got "${accountLinking}"`);
  const port = wholeNumber('--port', values.port ?? '0', 0, 65535);
  const minutes = wholeNumber('--minutes', values.minutes ?? '60', 1, 1440);
  const serviceUrl = values['service-url'] ?? env.PUBLIC_URL ?? 'http://127.0.0.1:3000';
  if (!/^https?:\/\/[^\s/]+/.test(serviceUrl)) throw new Error(`--service-url must be an http(s) URL, got "${serviceUrl}"`);
  const users = (values.user ?? []).map((spec) => {
    const [name, email] = spec.split(':');
    if (!name) throw new Error(`--user must look like "Alice" or "Alice:alice@example.com", got "${spec}"`);
    return email ? { name, email } : { name };
  });
  const clientSecret = values['client-secret'] ?? env.OAUTH_CLIENT_SECRET;
  return {
    help: false,
    options: {
      serviceUrl,
      clientId: values['client-id'] ?? env.OAUTH_CLIENT_ID ?? 'alexa-skill',
      clientSecret: clientSecret ?? randomValue(24),
      clientSecretGenerated: clientSecret === undefined,
      scheme,
      vendorId: values['vendor-id'] ?? env.ALEXA_VENDOR_ID ?? 'M2SIMULATOR',
      skillId: values['skill-id'] ?? env.SKILL_ID,
      skillName: values['skill-name'] ?? env.SKILL_NAME ?? 'Linkwright',
      accountLinking,
      appRedirectUrls: values['app-redirect-url'] ?? [],
      lwaClientId: values['lwa-client-id'] ?? env.LWA_CLIENT_ID,
      lwaClientSecret: values['lwa-client-secret'] ?? env.LWA_CLIENT_SECRET,
      addon: values.addon || values['addon-client-id'] !== undefined || values['addon-client-secret'] !== undefined
        ? { clientId: values['addon-client-id'] ?? env.ALEXA_PLUS_CLIENT_ID ?? 'alexa-plus', clientSecret: values['addon-client-secret'] ?? env.ALEXA_PLUS_CLIENT_SECRET }
        : undefined,
      users,
      endpoints: values.endpoint ?? [],
      port,
      minutes,
      quiet: values.quiet ?? false,
    },
  };
}

export interface CliOptions {
  serviceUrl: string;
  clientId: string;
  clientSecret: string;
  clientSecretGenerated: boolean;
  scheme: AccessTokenScheme;
  vendorId: string;
  skillId: string | undefined;
  skillName: string;
  accountLinking: AccountLinkingProvider;
  appRedirectUrls: string[];
  lwaClientId: string | undefined;
  lwaClientSecret: string | undefined;
  /** Play Alexa+ too: the add-on's client (the secret generated when undefined). */
  addon: { clientId: string; clientSecret: string | undefined } | undefined;
  users: Array<{ name: string; email?: string }>;
  endpoints: string[];
  port: number;
  minutes: number;
  quiet: boolean;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new Error(`${flag} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new Error(`${flag} must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** Runs one stdin command against the simulator; returns the lines to print. */
export async function runCommand(amazon: AmazonSimulator, line: string): Promise<string[]> {
  const [command, ...args] = line.trim().split(/\s+/);
  switch (command) {
    case undefined:
    case '':
      return [];
    case 'help':
      return [COMMANDS];
    case 'launch':
      return describe(await amazon.alexa.launch());
    case 'intent': {
      const [name, ...slotArgs] = args;
      if (!name) return ['usage: intent NAME [slot=value ...]'];
      const slots = Object.fromEntries(slotArgs.map((pair) => [pair.split('=')[0] ?? '', pair.split('=').slice(1).join('=')]));
      return describe(await amazon.alexa.intent(name, slots));
    }
    case 'resume': {
      const [token, result] = args;
      if (!token || !['LINKED', 'DENIED', 'USER_REQUIREMENTS_NOT_MET'].includes(result ?? '')) return ['usage: resume TOKEN LINKED|DENIED|USER_REQUIREMENTS_NOT_MET'];
      return describe(await amazon.alexa.resumeSession(token, result as VoiceLinkResult));
    }
    case 'end':
      return describe(await amazon.alexa.endSession());
    case 'disable': {
      const exchange = await amazon.alexa.skillDisabled();
      return exchange ? describe(exchange) : ['the skill was not enabled (or the skill has no event subscription)'];
    }
    case 'signin':
      if (!args[0]) return ['usage: signin NAME'];
      return [`signed in: ${amazon.customers.signIn(args.join(' ')).name}`];
    case 'allow':
    case 'deny':
      amazon.customers.setDecision(command);
      return [`the customer will ${command} on consent screens`];
    case 'status': {
      const customer = amazon.customers.current();
      const enablement = amazon.linkStatus(customer.id);
      if (!enablement) return [`${customer.name}: skill not enabled`];
      const link = enablement.link;
      return [`${customer.name}: enabled (${enablement.stage}), ${link ? `linked via ${link.via}, access token expires ${new Date(link.expiresAt).toISOString()}` : 'not linked'}`];
    }
    case 'fail': {
      const [host, mode] = args;
      if (!host || !mode) return ['usage: fail HOST STATUS|reset|hang|off'];
      const failure = mode === 'off' ? undefined : mode === 'reset' || mode === 'hang' ? mode : /^\d{3}$/.test(mode) ? Number(mode) : null;
      if (failure === null) return ['the failure is a status (503), reset, hang or off'];
      amazon.setHostFailure(host, failure);
      return [`${host}: ${mode === 'off' ? 'working' : `fails with ${mode}`}`];
    }
    case 'addon-discover': {
      const found = await amazon.alexaPlus.discoverTools().catch((error: Error) => error);
      return found instanceof Error ? [`Alexa+ could not discover the add-on: ${found.message}`] : [`add-on ${found.server ?? '?'}: tools ${found.tools.join(', ')}`];
    }
    case 'addon-call': {
      const [tool, ...pairs] = args;
      if (!tool) return ['usage: addon-call TOOL [arg=value ...]'];
      const toolArgs = Object.fromEntries(pairs.map((pair) => [pair.split('=')[0] ?? '', pair.split('=').slice(1).join('=')]));
      const outcome = await amazon.alexaPlus.callTool(amazon.customers.current().id, tool, toolArgs);
      if (!outcome.ok) return [`refused${outcome.status ? ` (${outcome.status})` : ''}: ${outcome.message}`];
      const text = outcome.result.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ');
      return [`${outcome.result.isError ? 'tool error' : 'tool result'}: ${text}`];
    }
    case 'addon-refresh': {
      const done = await amazon.alexaPlus.refresh(amazon.customers.current().id).then(() => undefined, (error: Error) => error.message);
      return [done === undefined ? 'add-on tokens refreshed' : `refresh failed: ${done}`];
    }
    default:
      return [`unknown command "${command}" (try help)`];
  }
}

function describe(exchange: VoiceExchange): string[] {
  if (exchange.status === undefined) return [`the skill did not answer: ${exchange.error ?? 'unknown error'}`];
  const card = exchange.response?.response?.card?.type;
  return [`skill answered ${exchange.status}${exchange.speech ? `: "${exchange.speech}"` : ''}${card ? ` [card ${card}]` : ''}`];
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${USAGE}\n${COMMANDS}\n`);
    return 0;
  }
  const options = parsed.options;
  const amazon = await startAmazonSimulator({
    accountLinking: options.accountLinking,
    service: {
      url: options.serviceUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scheme: options.scheme,
      vendorId: options.vendorId,
      name: options.skillName,
      ...(options.skillId ? { skillId: options.skillId } : {}),
    },
    lwaClient: {
      redirectUris: options.appRedirectUrls,
      ...(options.lwaClientId ? { id: options.lwaClientId } : {}),
      ...(options.lwaClientSecret ? { secret: options.lwaClientSecret } : {}),
    },
    users: options.users,
    ...(options.addon ? { addon: { clientId: options.addon.clientId, name: options.skillName, ...(options.addon.clientSecret ? { clientSecret: options.addon.clientSecret } : {}) } } : {}),
    ...(options.endpoints.length > 0 ? { endpoints: options.endpoints } : {}),
    port: options.port,
  });

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Amazon simulator on ${amazon.baseUrl} (Alexa API hosts: ${Object.entries(amazon.hosts).map(([h, u]) => `${h} → ${u}`).join(', ')})`);
  out(`Skill ${amazon.skill.name} (${amazon.skill.skillId}) → ${amazon.skill.skillEndpoint}; Alexa authenticates to ${amazon.skill.tokenUrl} with ${amazon.skill.scheme}.`);
  if (options.clientSecretGenerated && options.accountLinking === 'service') out('OAUTH_CLIENT_SECRET was generated: give the service the value below.');
  out('');
  out('# Environment for the service:');
  for (const [key, value] of Object.entries(amazon.env)) out(`${key}=${value}`);
  out('');
  out(`Web linking: open ${amazon.baseUrl}${WEB_LINK_START_PATH} in a browser (signed-in customer: ${amazon.customers.current().name}).`);
  if (options.addon) out(`Alexa+ add-on linking: open ${amazon.baseUrl}${ADDON_LINK_START_PATH}; MCP server ${amazon.alexaPlus.mcpUrl}.`);
  out(`Stops after ${options.minutes} minute(s) or on Ctrl-C. Type "help" for commands.`);
  out('ready');

  const stopPrinting = options.quiet ? () => undefined : amazon.events.subscribe((event) => out(`  ${formatEvent(event)}`));
  let stopping: Promise<void> | undefined;
  const stop = (why: string) => {
    stopping ??= (async () => {
      out(`stopping (${why})`);
      stopPrinting();
      clearTimeout(limit);
      input.close();
      await amazon.close();
      out('stopped');
    })();
    return stopping;
  };
  const limit = setTimeout(() => void stop(`${options.minutes} minute limit`), options.minutes * 60_000);
  const input = createInterface({ input: process.stdin, terminal: false });
  let queue = Promise.resolve();
  input.on('line', (line) => {
    // One command at a time, in order: a voice turn depends on the session the previous one left.
    queue = queue.then(async () => {
      if (line.trim() === 'quit') return void (await stop('quit'));
      try {
        for (const printed of await runCommand(amazon, line)) out(printed);
      } catch (error) {
        out(`error: ${(error as Error).message}`);
      }
    });
  });
  process.once('SIGINT', () => void stop('Ctrl-C'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  await new Promise<void>((resolve) => {
    const wait = () => (stopping ? stopping.then(resolve) : setTimeout(wait, 50));
    wait();
  });
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`simulator failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
