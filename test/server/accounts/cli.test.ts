import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { AccountDirectory } from '../../../server/accounts/directory';
import { runAccountCli } from '../../../server/accounts/cli';
import { systemClock } from '../../../server/clock';
import { RedisStore } from '../../../server/store/redis';
import { freePort } from '../../support/ports';
import { testRedisUrl } from '../../support/redis-server';
import { startTestService } from '../../support/service';
import { createRider, obtainCode, postToken, redeem } from '../oauth/flow-helpers';

const ROOT = resolve(__dirname, '..', '..', '..');
const run = promisify(execFile);

/** Text written to a stream, for the in-process runs. */
function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        text += chunk.toString();
        done();
      },
    }),
    text: () => text,
  };
}

/** Runs the command in-process with piped stdin; returns exit code and output. */
async function cli(argv: string[], env: Record<string, string>, stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out = sink();
  const err = sink();
  const code = await runAccountCli(argv, { stdin: Readable.from([stdin]), stdout: out.stream, stderr: err.stream, env });
  return { code, out: out.text(), err: err.text() };
}

/** Runs a process with stdin piped in and resolves with its exit code and output. */
function spawnWithInput(command: string, args: string[], env: NodeJS.ProcessEnv, input: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, out, err }));
    child.stdin.end(input);
  });
}

describe('account command (npm run account)', function () {
  this.timeout(60_000);
  let env: Record<string, string>;
  let store: RedisStore;
  let accounts: AccountDirectory;

  beforeEach(async () => {
    const url = await testRedisUrl();
    const prefix = `cli:${randomUUID()}:`;
    env = { REDIS_URL: url, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent' };
    store = new RedisStore({ url, keyPrefix: prefix });
    accounts = new AccountDirectory(store, systemClock);
  });
  afterEach(async () => store?.close());

  it('adds an account with the password from stdin and a display name', async () => {
    const result = await cli(['add', 'Rider@Example.com', '--name', 'Demo Rider', '--password-stdin'], env, 'a long enough password\n');
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.match(/^Added rider@example\.com \("Demo Rider", id [0-9a-f-]{36}\)\.\n$/);
    expect(await accounts.authenticate('rider@example.com', 'a long enough password')).to.include({ displayName: 'Demo Rider' });
  });

  it('refuses a taken name, a short password and an empty stdin, changing nothing', async () => {
    await cli(['add', 'rider@example.com'], env, 'first password\n');
    let result = await cli(['add', 'rider@example.com'], env, 'second password\n');
    expect(result.code).to.equal(1);
    expect(result.err).to.equal('An account named rider@example.com already exists.\n');
    expect(await accounts.authenticate('rider@example.com', 'first password')).to.not.equal(undefined);
    result = await cli(['add', 'short@example.com'], env, 'short\n');
    expect(result.code).to.equal(1);
    expect(result.err).to.equal('Passwords are 8 to 1024 characters long.\n');
    result = await cli(['add', 'empty@example.com'], env, '');
    expect(result.code).to.equal(1);
    expect(result.err).to.include('No password on standard input');
    expect(await accounts.findByName('short@example.com')).to.equal(undefined);
  });

  it('changes a password (passwd), and says so for unknown accounts', async () => {
    await cli(['add', 'rider@example.com'], env, 'old password 1\n');
    const result = await cli(['passwd', 'rider@example.com', '--password-stdin'], env, 'new password 2\r\n');
    expect(result.code, result.err).to.equal(0);
    expect(await accounts.authenticate('rider@example.com', 'new password 2')).to.not.equal(undefined);
    expect(await accounts.authenticate('rider@example.com', 'old password 1')).to.equal(undefined);
    const unknown = await cli(['passwd', 'nobody@example.com'], env, 'whatever 123\n');
    expect(unknown.code).to.equal(1);
    expect(unknown.err).to.equal('No account named nobody@example.com.\n');
  });

  it('revokes every grant of a user, so the running service refuses their tokens', async () => {
    const service = await startTestService({ store: new RedisStore({ url: env.REDIS_URL as string, keyPrefix: env.REDIS_KEY_PREFIX as string }) });
    try {
      await createRider(service);
      const tokens = [];
      for (let i = 0; i < 2; i += 1) {
        const { code, redirectUri } = await obtainCode(service);
        tokens.push(await redeem(service, code, redirectUri));
      }
      const result = await cli(['revoke', 'rider@example.com'], env);
      expect(result.code, result.err).to.equal(0);
      expect(result.out).to.equal('Revoked 2 live grants of rider@example.com. Alexa will ask the user to link again.\n');
      for (const token of tokens) {
        expect((await postToken(service, { grant_type: 'refresh_token', refresh_token: token.refresh_token as string })).body.error).to.equal('invalid_grant');
        expect(await service.services.revocations.isRevoked(service.services.accessTokens.verify(token.access_token as string))).to.equal(true);
      }
    } finally {
      await service.close();
    }
  });

  it('explains that without REDIS_URL the accounts live inside the server process', async () => {
    const result = await cli(['add', 'rider@example.com'], { LOG_LEVEL: 'silent' }, 'a long enough password\n');
    expect(result.code).to.equal(78);
    expect(result.err).to.include('REDIS_URL is not set').and.include('in memory, inside its own process');
  });

  it('never takes a password from the command line, and explains usage mistakes', async () => {
    let result = await cli(['add', 'rider@example.com', '--password', 'hunter22hunter22'], env);
    expect(result.code).to.equal(64);
    expect(result.err).to.include('Passwords are never taken from the command line');
    expect(await accounts.findByName('rider@example.com')).to.equal(undefined);
    result = await cli(['frobnicate', 'x'], env);
    expect(result.code).to.equal(64);
    expect(result.err).to.match(/^Unknown command "frobnicate"\.\n\nUsage:/);
    result = await cli(['add'], env);
    expect(result.err).to.match(/^add needs a username\./);
    result = await cli(['revoke', 'a', '--name', 'x'], env);
    expect(result.err).to.match(/^--name applies to add only\./);
    result = await cli(['--help'], env);
    expect(result.code).to.equal(0);
    expect(result.out).to.match(/^Usage: npm run account/);
  });

  it('says which Redis it cannot reach, without its password', async () => {
    const port = await freePort();
    const result = await cli(['revoke', 'rider@example.com'], { REDIS_URL: `redis://user:s3cret-pw@127.0.0.1:${port}`, REDIS_COMMAND_TIMEOUT_MS: '200', LOG_LEVEL: 'silent' });
    expect(result.code).to.equal(69);
    expect(result.err).to.include(`Cannot reach Redis at redis://user:***@127.0.0.1:${port}`);
    expect(result.err).to.not.include('s3cret-pw');
  });

  it('works as `npm run account` runs it (tsx), reading the password from a pipe', async () => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const result = await spawnWithInput(tsx, ['server/accounts/cli.ts', 'add', 'piped@example.com'], { PATH: process.env.PATH, HOME: process.env.HOME, ...env }, 'piped password 1\n');
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.include('Added piped@example.com');
    expect(await accounts.authenticate('piped@example.com', 'piped password 1')).to.not.equal(undefined);
  });

  it('works compiled (node dist/server/accounts/cli.js)', async () => {
    const outDir = join(ROOT, 'test-artifacts', 'cli-build');
    rmSync(outDir, { recursive: true, force: true });
    // Type errors elsewhere in the tree do not stop tsc from emitting; the check is that ours runs.
    await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT }).catch(() => undefined);
    const compiled = join(outDir, 'server', 'accounts', 'cli.js');
    expect(existsSync(compiled)).to.equal(true);
    const result = await spawnWithInput(process.execPath, [compiled, 'add', 'compiled@example.com', '--password-stdin'], { PATH: process.env.PATH, ...env }, 'compiled password 1\n');
    expect(result.code, result.err).to.equal(0);
    expect(await accounts.authenticate('compiled@example.com', 'compiled password 1')).to.not.equal(undefined);
  });
});
