import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { systemClock } from '../clock';
import type { Env } from '../config/env';
import { SettingsError } from '../config/env';
import { loadSettings } from '../config/settings';
import { ServiceError, StoreUnavailableError } from '../errors';
import { createLogger } from '../log';
import { LoginLimiter } from '../oauth/login-limiter';
import { createServices, type Services } from '../services';
import { openStore } from '../store';
import { type ImportedAccount } from './directory';
import { hashProblem } from './passwords';

/** The streams and environment the command works with (the process's own, or a test's). */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Env;
}

// Exit codes from sysexits.h, so scripts can tell a typo from an outage.
const EXIT = { ok: 0, failed: 1, usage: 64, dataError: 65, noInput: 66, unavailable: 69, config: 78 } as const;

const USAGE = `Usage: npm run account -- <command> [<username>] [options]

Commands:
  add <username> [--name "Display Name"]   create an account
  passwd <username>                        set a new password
  revoke <username>                        revoke every grant the user gave (Alexa must link again)
  list                                     list the accounts (username, display name, id, created, source)
  delete <username>                        revoke the user's grants and delete the account
  unlock <username>                        clear the user's sign-in lockout (too many wrong passwords)
  import [<file>]                          import accounts with existing password hashes, one JSON
                                           object a line, from the file or standard input:
                                           {"username","password_hash","display_name","email"}
                                           hashes: bcrypt $2a$/$2b$/$2y$ (cost 4-14) or
                                           scrypt$N$r$p$salt$hash (salt, hash base64/base64url)
                                           A malformed line refuses the whole import (every one is
                                           listed with its line number); existing names are skipped.

The password is read from standard input, never from the command line: typed twice without echo
at a terminal, or the first line of piped input (--password-stdin insists on that), e.g.
  printf '%s\\n' "$NEW_PASSWORD" | npm run account -- add rider@example.com --password-stdin

The command works on the store the server uses: set REDIS_URL (and REDIS_KEY_PREFIX when the
server sets one). Compiled: node dist/server/accounts/cli.js <command> ...
`;

const COMMANDS = ['add', 'passwd', 'revoke', 'list', 'delete', 'unlock', 'import'] as const;
type Command = (typeof COMMANDS)[number];

interface Parsed {
  command: Command;
  /** The username, or for import the file (undefined: standard input). */
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
      case 'list': {
        const accounts = await services.accounts.list();
        say(['username', 'display name', 'id', 'created', 'source'].join('\t'));
        for (const account of accounts) {
          say([account.username, account.displayName, account.id, new Date(account.createdAt).toISOString(), account.external?.provider ?? 'local'].join('\t'));
        }
        io.stderr.write(`${accounts.length} account${accounts.length === 1 ? '' : 's'}.\n`);
        return EXIT.ok;
      }
      case 'delete': {
        const account = await services.accounts.findByName(parsed.username);
        if (!account) throw new ServiceError('account_unknown', 404, `No account named ${parsed.username}.`);
        // Grants go first: a deleted account must not leave Alexa holding tokens that still work.
        const live = await services.revocations.revokeUser(account.id, 'account deleted by an operator (account delete)');
        await services.accounts.delete(account.username);
        say(`Deleted ${account.username} and revoked ${live} live grant${live === 1 ? '' : 's'}.`);
        return EXIT.ok;
      }
      case 'unlock': {
        const oauth = settings.oauth;
        const limiter = new LoginLimiter(store, { maxPerAccount: oauth.loginMaxPerAccount, maxPerAddress: oauth.loginMaxPerAddress, windowSec: oauth.loginWindowSec });
        await limiter.unlock(parsed.username);
        const account = await services.accounts.findByName(parsed.username);
        say(`Cleared the sign-in lockout of ${parsed.username}${account ? '' : ' (no account has that name; its failed attempts are cleared anyway)'}.`);
        return EXIT.ok;
      }
      case 'import':
        return await importAccounts(services, parsed.username === '' ? undefined : parsed.username, io);
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
    } else if (arg.startsWith('-') && arg !== '-') return `Unknown option ${arg}.`;
    else positional.push(arg);
  }
  const [command, username, ...extra] = positional;
  if (command === undefined) return '';
  if (!(COMMANDS as readonly string[]).includes(command)) return `Unknown command "${command}".`;
  const known = command as Command;
  if (known === 'list' && username !== undefined) return `Unexpected argument "${username}".`;
  if (username === undefined && known !== 'list' && known !== 'import') return `${command} needs a username.`;
  if (extra.length > 0) return `Unexpected argument "${extra[0]}".`;
  if (displayName !== undefined && command !== 'add') return '--name applies to add only.';
  return { command: known, username: username === '-' ? '' : (username ?? ''), displayName, passwordFromStdin };
}

class PasswordInputError extends Error {}

/** Longest import line read (a line is a few hundred bytes; this only stops a runaway file). */
const MAX_IMPORT_LINE = 8192;

/**
 * `account import`: reads every line first and refuses the whole import when any is malformed (each
 * problem with its line number), so a file is never half-imported by mistake; then creates the
 * accounts, skipping (and naming) those whose username exists, so a re-run after an outage is safe.
 */
async function importAccounts(services: Services, file: string | undefined, io: CliIo): Promise<number> {
  let input: NodeJS.ReadableStream;
  if (file === undefined) input = io.stdin;
  else {
    const stream = createReadStream(file);
    const opened = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      stream.once('open', () => resolve(undefined));
      stream.once('error', (error: NodeJS.ErrnoException) => resolve(error));
    });
    if (opened) {
      io.stderr.write(`Cannot read ${file} (${opened.code ?? opened.message}).\n`);
      return EXIT.noInput;
    }
    input = stream;
  }
  const entries: Array<{ line: number; account: ImportedAccount }> = [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  let lineNumber = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    lineNumber += 1;
    if (text.trim() === '') continue;
    const parsed = parseImportLine(text);
    if (typeof parsed === 'string') {
      problems.push(`line ${lineNumber}: ${parsed}`);
      continue;
    }
    const name = parsed.username.trim().normalize('NFKC').toLowerCase();
    const earlier = seen.get(name);
    if (earlier !== undefined) problems.push(`line ${lineNumber}: username ${name} already appears on line ${earlier}`);
    else seen.set(name, lineNumber);
    entries.push({ line: lineNumber, account: parsed });
  }
  if (problems.length > 0) {
    io.stderr.write(`Nothing was imported: ${problems.length} line${problems.length === 1 ? ' is' : 's are'} not usable.\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    return EXIT.dataError;
  }
  let imported = 0;
  const skipped: string[] = [];
  for (const { line, account } of entries) {
    try {
      await services.accounts.importAccount(account);
      imported += 1;
    } catch (error) {
      if (error instanceof ServiceError && error.code === 'account_exists') skipped.push(`  line ${line}: ${error.description} (skipped)`);
      else if (error instanceof ServiceError) {
        // Checked above; a store-side refusal after the check still names its line and stops here.
        io.stderr.write(`line ${line}: ${error.description}\nImported ${imported} before it.\n`);
        return EXIT.failed;
      } else throw error;
    }
  }
  if (skipped.length > 0) io.stderr.write(`${skipped.join('\n')}\n`);
  io.stdout.write(`Imported ${imported} account${imported === 1 ? '' : 's'}${skipped.length > 0 ? `, skipped ${skipped.length} that already existed` : ''}.\n`);
  return EXIT.ok;
}

/** One import line as an account, or what is wrong with it (never echoing the hash). */
function parseImportLine(text: string): ImportedAccount | string {
  if (text.length > MAX_IMPORT_LINE) return `longer than ${MAX_IMPORT_LINE} characters`;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not a JSON object';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const record = value as Record<string, unknown>;
  const allowed = ['username', 'password_hash', 'display_name', 'email'];
  const unknown = Object.keys(record).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) return `unknown field ${unknown.map((key) => `"${key.slice(0, 40)}"`).join(', ')} (fields: ${allowed.join(', ')})`;
  const { username, password_hash: passwordHash, display_name: displayName, email } = record;
  if (typeof username !== 'string' || !/^[^\s]{1,254}$/.test(username.trim())) return 'username must be a string of 1-254 characters without spaces';
  if (typeof passwordHash !== 'string') return 'password_hash must be a string';
  if (displayName !== undefined && (typeof displayName !== 'string' || displayName.length > 200)) return 'display_name must be a string of at most 200 characters';
  if (email !== undefined && (typeof email !== 'string' || !/^[^\s@]{1,64}@[^\s@]{1,254}$/.test(email))) return 'email must be an e-mail address';
  const problem = hashProblem(passwordHash);
  if (problem) return `password_hash: ${problem}`;
  return { username, passwordHash, displayName, email };
}

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
