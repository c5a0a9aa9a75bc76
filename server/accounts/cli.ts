import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { systemClock } from '../clock';
import type { Env } from '../config/env';
import { SettingsError } from '../config/env';
import { loadSettings } from '../config/settings';
import { ServiceError, StoreUnavailableError } from '../errors';
import { createLogger } from '../log';
import { createServices } from '../services';
import { openStore } from '../store';

/** The streams and environment the command works with (the process's own, or a test's). */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
}

// Exit codes from sysexits.h, so scripts can tell a typo from an outage.
const EXIT = { ok: 0, failed: 1, usage: 64, unavailable: 69, config: 78 } as const;

const USAGE = `Usage: npm run account -- <command> <username> [options]

Commands:
  add <username> [--name "Display Name"]   create an account
  passwd <username>                        set a new password
  revoke <username>                        revoke every grant the user gave (Alexa must link again)

The password is read from standard input, never from the command line: typed twice without echo
at a terminal, or the first line of piped input (--password-stdin insists on that), e.g.
  printf '%s\\n' "$NEW_PASSWORD" | npm run account -- add rider@example.com --password-stdin

The command works on the store the server uses: set REDIS_URL (and REDIS_KEY_PREFIX when the
server sets one). Compiled: node dist/server/accounts/cli.js <command> ...
`;

interface Parsed {
  command: 'add' | 'passwd' | 'revoke';
  username: string;
  displayName?: string;
  passwordFromStdin: boolean;
}

/** Runs `account <command> ...` and resolves with the process exit code; never throws. */
export async function runAccountCli(argv: string[], io: CliIo): Promise<number> {
  const say = (text: string) => io.stdout.write(`${text}\n`);
  const complain = (text: string) => io.stderr.write(`${text}\n`);
  const parsed = parseArguments(argv);
  if (typeof parsed === 'string') {
    if (parsed !== '') complain(parsed);
    (parsed === '' ? io.stdout : io.stderr).write(`${parsed === '' ? '' : '\n'}${USAGE}`);
    return parsed === '' ? EXIT.ok : EXIT.usage;
  }

  let settings;
  try {
    settings = loadSettings(io.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    complain(`The settings are not usable:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    return EXIT.config;
  }
  if (!settings.redis.url) {
    complain(
      'REDIS_URL is not set. Without it the server keeps accounts in memory, inside its own process, where this command cannot reach them.\n' +
        'Set REDIS_URL (and REDIS_KEY_PREFIX if the server uses one) to the Redis the server uses. For a quick local try, the\n' +
        'server creates a demo account at start instead (DEMO_USERNAME / DEMO_PASSWORD).',
    );
    return EXIT.config;
  }

  const log = createLogger('warn', io.stderr);
  const store = openStore(settings.redis, systemClock, log);
  try {
    await store.ping();
    const services = createServices(settings, { store, clock: systemClock, log });
    switch (parsed.command) {
      case 'add': {
        const password = await readNewPassword(io, parsed.passwordFromStdin);
        const account = await services.accounts.create({ username: parsed.username, password, displayName: parsed.displayName });
        say(`Added ${account.username} ("${account.displayName}", id ${account.id}).`);
        return EXIT.ok;
      }
      case 'passwd': {
        if (!(await services.accounts.findByName(parsed.username))) throw new ServiceError('account_unknown', 404, `No account named ${parsed.username}.`);
        const password = await readNewPassword(io, parsed.passwordFromStdin);
        await services.accounts.setPassword(parsed.username, password);
        say(`Changed the password of ${parsed.username}. Existing Alexa links keep working; run "revoke" to end them too.`);
        return EXIT.ok;
      }
      case 'revoke': {
        const account = await services.accounts.findByName(parsed.username);
        if (!account) throw new ServiceError('account_unknown', 404, `No account named ${parsed.username}.`);
        const live = await services.revocations.revokeUser(account.id, 'revoked by an operator (account revoke)');
        say(`Revoked ${live} live grant${live === 1 ? '' : 's'} of ${account.username}. Alexa will ask the user to link again.`);
        return EXIT.ok;
      }
    }
  } catch (error) {
    if (error instanceof StoreUnavailableError) {
      complain(`Cannot reach Redis at ${withoutPassword(settings.redis.url)} (${error.reason}). Check REDIS_URL and that Redis is running.`);
      return EXIT.unavailable;
    }
    if (error instanceof ServiceError) {
      complain(error.description);
      return EXIT.failed;
    }
    if (error instanceof PasswordInputError) {
      complain(error.message);
      return EXIT.failed;
    }
    throw error;
  } finally {
    await store.close();
  }
}

function parseArguments(argv: string[]): Parsed | string {
  const positional: string[] = [];
  let displayName: string | undefined;
  let passwordFromStdin = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return '';
    if (arg === '--password-stdin') passwordFromStdin = true;
    else if (arg === '--name') {
      displayName = argv[i + 1];
      i += 1;
      if (displayName === undefined) return '--name needs a value.';
    } else if (arg.startsWith('--name=')) displayName = arg.slice('--name='.length);
    else if (arg === '--password' || arg.startsWith('--password=') || arg === '-p') {
      return 'Passwords are never taken from the command line (shell history and process lists would keep them): pipe it with --password-stdin.';
    } else if (arg.startsWith('-')) return `Unknown option ${arg}.`;
    else positional.push(arg);
  }
  const [command, username, ...extra] = positional;
  if (command === undefined) return '';
  if (command !== 'add' && command !== 'passwd' && command !== 'revoke') return `Unknown command "${command}".`;
  if (username === undefined) return `${command} needs a username.`;
  if (extra.length > 0) return `Unexpected argument "${extra[0]}".`;
  if (displayName !== undefined && command !== 'add') return '--name applies to add only.';
  return { command, username, displayName, passwordFromStdin };
}

class PasswordInputError extends Error {}

/** The new password: the first line of piped stdin, or typed twice without echo at a terminal. */
async function readNewPassword(io: CliIo, fromStdin: boolean): Promise<string> {
  if (fromStdin || !io.stdin.isTTY) {
    const text = await readAll(io.stdin);
    const password = text.split(/\r?\n/)[0] ?? '';
    if (password === '') throw new PasswordInputError('No password on standard input (the first line is the password).');
    return password;
  }
  const first = await promptHidden(io, 'New password: ');
  const second = await promptHidden(io, 'Repeat it: ');
  if (first !== second) throw new PasswordInputError('The two passwords differ; nothing was changed.');
  return first;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function promptHidden(io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  // readline echoes what is typed to its output; a sink that drops everything hides the password.
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: io.stdin, output: silent, terminal: true });
  return new Promise((resolve) => {
    rl.question('', (answer) => {
      rl.close();
      io.stderr.write('\n');
      resolve(answer);
    });
  });
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

if (require.main === module) {
  runAccountCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error('account command failed:', error instanceof Error ? error.message : error);
      process.exitCode = 1;
    },
  );
}
