import { execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { expect } from 'chai';
import { decodeAccount } from '../../../server/accounts/account-record';
import { AccountDirectory } from '../../../server/accounts/directory';
import { runAccountCli } from '../../../server/accounts/cli';
import { systemClock } from '../../../server/clock';
import { RedisStore } from '../../../server/store/redis';
import { freePort } from '../../support/ports';
import { testRedisUrl } from '../../support/redis-server';
import { startTestService } from '../../support/service';
import { LoginLimiter } from '../../../server/oauth/login-limiter';
import { createRider, obtainCode, PASSWORD, postToken, redeem, USERNAME } from '../oauth/flow-helpers';

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

  it('lists accounts oldest first, tab-separated, with their source', async () => {
    await cli(['add', 'first@example.com', '--name', 'First One'], env, 'first password\n');
    await cli(['add', 'second@example.com'], env, 'second password\n');
    await accounts.syncExternal('upstream', 'sub-42', { name: 'Upstream Person', email: 'up@example.com' });
    const result = await cli(['list'], env);
    expect(result.code, result.err).to.equal(0);
    const rows = result.out.trim().split('\n').map((line) => line.split('\t'));
    expect(rows[0]).to.deep.equal(['username', 'display name', 'id', 'created', 'source']);
    expect(rows.slice(1).map((row) => [row[0], row[1], row[4]])).to.deep.equal([
      ['first@example.com', 'First One', 'local'],
      ['second@example.com', 'second', 'local'],
      ['upstream:sub-42', 'Upstream Person', 'upstream'],
    ]);
    expect(result.err).to.equal('3 accounts.\n');
    expect((await cli(['list', 'extra'], env)).code).to.equal(64);
    // A mirrored account is named provider:subject; deleting it frees the subject for a fresh record.
    expect((await cli(['delete', 'upstream:sub-42'], env)).out).to.equal('Deleted upstream:sub-42 and revoked 0 live grants.\n');
    expect(await accounts.findExternal('upstream', 'sub-42')).to.equal(undefined);
    expect((await cli(['list'], env)).err).to.equal('2 accounts.\n');
  });

  it('deletes an account after revoking its grants, and says so for unknown names', async () => {
    const service = await startTestService({ store: new RedisStore({ url: env.REDIS_URL as string, keyPrefix: env.REDIS_KEY_PREFIX as string }) });
    try {
      await createRider(service);
      const { code, redirectUri } = await obtainCode(service);
      const token = await redeem(service, code, redirectUri);
      const result = await cli(['delete', USERNAME], env);
      expect(result.code, result.err).to.equal(0);
      expect(result.out).to.equal(`Deleted ${USERNAME} and revoked 1 live grant.\n`);
      expect(await accounts.findByName(USERNAME)).to.equal(undefined);
      expect((await postToken(service, { grant_type: 'refresh_token', refresh_token: token.refresh_token as string })).body.error).to.equal('invalid_grant');
      expect((await cli(['list'], env)).out.trim().split('\n')).to.have.length(1);
      // The name is free again.
      expect((await cli(['add', USERNAME], env, 'a new password\n')).code).to.equal(0);
    } finally {
      await service.close();
    }
    const unknown = await cli(['delete', 'nobody@example.com'], env);
    expect(unknown.code).to.equal(1);
    expect(unknown.err).to.equal('No account named nobody@example.com.\n');
  });

  it('unlocks an account locked by wrong passwords', async () => {
    await cli(['add', USERNAME], env, `${PASSWORD}\n`);
    const limiter = new LoginLimiter(store, { maxPerAccount: 5, maxPerAddress: 1000, windowSec: 900 });
    // Wrong passwords from two addresses: each is over its budget for this account.
    for (const address of ['192.0.2.1', '198.51.100.7']) {
      for (let i = 0; i < 5; i += 1) expect(await limiter.attempt(USERNAME, address)).to.equal(undefined);
      expect(await limiter.attempt(USERNAME, address)).to.equal('account');
    }
    const result = await cli(['unlock', USERNAME.toUpperCase()], env);
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.equal(`Cleared the sign-in lockout of ${USERNAME.toUpperCase()}.\n`);
    expect(await limiter.attempt(USERNAME, '192.0.2.1')).to.equal(undefined);
    expect(await limiter.attempt(USERNAME, '198.51.100.7')).to.equal(undefined);
    expect((await cli(['unlock', 'nobody@example.com'], env)).out).to.include('no account has that name');
    expect((await cli(['unlock'], env)).err).to.match(/^unlock needs a username\./);
  });

  it('imports bcrypt ($2a$, $2b$, $2y$) and scrypt hashes from stdin; the users sign in with their old passwords', async () => {
    const bcryptHash = bcrypt.hashSync('old bcrypt password', 4);
    const salt = randomBytes(16);
    const scryptHash = ['scrypt', 16384, 8, 1, salt.toString('base64'), scryptSync('old scrypt password', salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')].join('$');
    const lines = [
      JSON.stringify({ username: 'B@Example.com', password_hash: bcryptHash, display_name: 'Bea Crypt', email: 'b@example.com' }),
      JSON.stringify({ username: 'a@example.com', password_hash: bcryptHash.replace('$2b$', '$2a$') }),
      '',
      JSON.stringify({ username: 'y@example.com', password_hash: bcryptHash.replace('$2b$', '$2y$') }),
      JSON.stringify({ username: 's@example.com', password_hash: scryptHash }),
    ];
    const result = await cli(['import'], env, `${lines.join('\n')}\n`);
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.equal('Imported 4 accounts.\n');
    expect(await accounts.findByName('b@example.com')).to.include({ displayName: 'Bea Crypt', email: 'b@example.com' });
    for (const name of ['b@example.com', 'a@example.com', 'y@example.com']) {
      expect(await accounts.authenticate(name, 'wrong password'), name).to.equal(undefined);
      expect(await accounts.authenticate(name, 'old bcrypt password'), name).to.not.equal(undefined);
    }
    expect(await accounts.authenticate('s@example.com', 'old scrypt password')).to.not.equal(undefined);
    // The first successful sign-in replaced the imported hash with ours, and the password still works.
    const id = (await accounts.findByName('b@example.com'))?.id as string;
    const stored = decodeAccount(id, (await store.get(`account:${id}`)) as string);
    expect(stored.passwordHash).to.match(/^scrypt\$32768\$8\$1\$/);
    expect(await accounts.authenticate('b@example.com', 'old bcrypt password')).to.not.equal(undefined);
  });

  it('signs an imported bcrypt user in through the sign-in page', async () => {
    const service = await startTestService({ store: new RedisStore({ url: env.REDIS_URL as string, keyPrefix: env.REDIS_KEY_PREFIX as string }) });
    try {
      const line = JSON.stringify({ username: USERNAME, password_hash: bcrypt.hashSync(PASSWORD, 5), display_name: 'Imported Rider' });
      expect((await cli(['import', '-'], env, line)).code).to.equal(0);
      const { code, redirectUri } = await obtainCode(service);
      expect((await redeem(service, code, redirectUri)).access_token).to.be.a('string');
    } finally {
      await service.close();
    }
  });

  it('refuses the whole import when a line is malformed, listing each with its line number', async () => {
    const good = JSON.stringify({ username: 'good@example.com', password_hash: bcrypt.hashSync('whatever 1', 4) });
    const lines = [
      good,
      'not json',
      JSON.stringify({ username: 'x@example.com', password_hash: 'md5$abc' }),
      JSON.stringify({ username: 'x@example.com', password_hash: 'scrypt$100$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA' }),
      JSON.stringify({ username: 'big@example.com', password_hash: bcrypt.hashSync('x', 4).replace('$04$', '$31$') }),
      JSON.stringify({ username: 'has space', password_hash: bcrypt.hashSync('x', 4) }),
      JSON.stringify({ username: 'GOOD@example.com', password_hash: bcrypt.hashSync('x', 4), password: 'plain' }),
      JSON.stringify({ username: 'Good@example.com', password_hash: bcrypt.hashSync('x', 4) }),
      JSON.stringify([1, 2]),
    ];
    const result = await cli(['import'], env, lines.join('\n'));
    expect(result.code).to.equal(65);
    expect(result.err.split('\n').filter(Boolean)).to.deep.equal([
      'Nothing was imported: 8 lines are not usable.',
      '  line 2: not a JSON object',
      '  line 3: password_hash: unknown hash format (accepted: bcrypt $2a$/$2b$/$2y$, scrypt$N$r$p$salt$hash)',
      '  line 4: password_hash: scrypt N must be a power of two from 1024 to 1048576, got 100',
      '  line 5: password_hash: bcrypt cost 31 is outside 4–14',
      '  line 6: username must be a string of 1-254 characters without spaces',
      '  line 7: unknown field "password" (fields: username, password_hash, display_name, email)',
      '  line 8: username good@example.com already appears on line 1',
      '  line 9: not a JSON object',
    ]);
    expect(result.err).to.not.include('plain');
    expect(await accounts.findByName('good@example.com')).to.equal(undefined);
  });

  it('imports from a file, skipping names that exist (so a re-run is safe), and says when the file cannot be read', async () => {
    await cli(['add', 'taken@example.com'], env, 'the original one\n');
    const dir = join(ROOT, 'test-artifacts', 'import');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${randomUUID()}.jsonl`);
    const hash = bcrypt.hashSync('imported pw 1', 4);
    writeFileSync(file, [JSON.stringify({ username: 'taken@example.com', password_hash: hash }), JSON.stringify({ username: 'new@example.com', password_hash: hash })].join('\r\n'));
    let result = await cli(['import', file], env);
    expect(result.code, result.err).to.equal(0);
    expect(result.out).to.equal('Imported 1 account, skipped 1 that already existed.\n');
    expect(result.err).to.equal('  line 1: An account named taken@example.com already exists. (skipped)\n');
    expect(await accounts.authenticate('taken@example.com', 'the original one')).to.not.equal(undefined);
    result = await cli(['import', file], env);
    expect(result.out).to.equal('Imported 0 accounts, skipped 2 that already existed.\n');
    rmSync(file);
    result = await cli(['import', file], env);
    expect(result.code).to.equal(66);
    expect(result.err).to.equal(`Cannot read ${file} (ENOENT).\n`);
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
    // openid-client 6 is ESM-only: the compiled (CommonJS) upstream sign-in must still load and use it.
    const upstream = join(outDir, 'server', 'oauth', 'sign-in', 'upstream.js');
    const script = `const { UpstreamProvider } = require(${JSON.stringify(upstream)});
new UpstreamProvider({ issuer: 'http://127.0.0.1:${await freePort()}', clientId: 'c', scopes: ['openid'], timeoutMs: 500, idTokenAlg: 'RS256' }, true).begin().catch((e) => console.log(e.name, e.kind));`;
    const loaded = await run(process.execPath, ['-e', script], { cwd: ROOT });
    expect(loaded.stdout).to.equal('UpstreamFailure unavailable\n');
  });
});
