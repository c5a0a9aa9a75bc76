import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseCommandLine } from '../../simulator/cli';
import { SkillReceiver } from './skill-receiver';

const ROOT = join(__dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

/** The CLI as a real child process, with its output collected line by line. */
class CliProcess {
  readonly lines: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiters: Array<() => void> = [];

  constructor(args: string[]) {
    this.child = spawn(TSX, [join(ROOT, 'simulator', 'cli.ts'), ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      const parts = this.buffer.split('\n');
      this.buffer = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString('utf8')));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first line (from `from` on) that satisfies `match`; fails if the process exits first. */
  async waitFor(match: (line: string) => boolean, from = 0): Promise<string> {
    let exited = false;
    void this.exited.then(() => {
      exited = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
    for (;;) {
      const found = this.lines.slice(from).find(match);
      if (found !== undefined) return found;
      if (exited) throw new Error(`the process exited without that line; output:\n${this.lines.join('\n')}\n${this.stderr.join('')}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Sends a command line and waits for the first output line that matches. */
  async command(line: string, match: (output: string) => boolean): Promise<string> {
    const from = this.lines.length;
    this.child.stdin.write(`${line}\n`);
    return this.waitFor(match, from);
  }

  /** The printed environment, as a map. */
  env(): Record<string, string> {
    const start = this.lines.indexOf('# Environment for the service:');
    const env: Record<string, string> = {};
    for (const line of this.lines.slice(start + 1)) {
      if (line === '') break;
      const eq = line.indexOf('=');
      env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    return env;
  }

  /** Sends a signal to the child. */
  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Closes the child's stdin. */
  endInput(): void {
    this.child.stdin.end();
  }
}

describe('simulator: command line', function () {
  this.timeout(30_000);

  describe('parseCommandLine', () => {
    it('takes defaults from the service’s environment variables and generates a missing client secret', () => {
      const parsed = parseCommandLine([], { PUBLIC_URL: 'http://127.0.0.1:4000', OAUTH_CLIENT_ID: 'skill', ALEXA_VENDOR_ID: 'M2ABC', SKILL_ID: 'amzn1.ask.skill.x' });
      if (parsed.help) throw new Error('unexpected help');
      expect(parsed.options).to.include({ serviceUrl: 'http://127.0.0.1:4000', clientId: 'skill', vendorId: 'M2ABC', skillId: 'amzn1.ask.skill.x', scheme: 'HTTP_BASIC', minutes: 60, clientSecretGenerated: true });
      expect(parsed.options.clientSecret).to.have.length.greaterThan(20);
    });

    it('reads repeated users, endpoints and redirect URLs', () => {
      const parsed = parseCommandLine(['--user', 'Alice:alice@example.com', '--user', 'Bob', '--endpoint', 'api.amazonalexa.com', '--endpoint', 'api.eu.amazonalexa.com', '--app-redirect-url', 'https://app.example.com/r', '--scheme', 'REQUEST_BODY_CREDENTIALS'], {});
      if (parsed.help) throw new Error('unexpected help');
      expect(parsed.options.users).to.deep.equal([{ name: 'Alice', email: 'alice@example.com' }, { name: 'Bob' }]);
      expect(parsed.options.endpoints).to.deep.equal(['api.amazonalexa.com', 'api.eu.amazonalexa.com']);
      expect(parsed.options.appRedirectUrls).to.deep.equal(['https://app.example.com/r']);
      expect(parsed.options.scheme).to.equal('REQUEST_BODY_CREDENTIALS');
    });

    it('refuses unknown options and bad values with a specific message', () => {
      expect(() => parseCommandLine(['--scheme', 'DIGEST'], {})).to.throw('--scheme must be HTTP_BASIC or REQUEST_BODY_CREDENTIALS');
      expect(() => parseCommandLine(['--minutes', '0'], {})).to.throw('--minutes must be between 1 and 1440');
      expect(() => parseCommandLine(['--port', 'http'], {})).to.throw('--port must be a whole number');
      expect(() => parseCommandLine(['--account-linking', 'oidc'], {})).to.throw('--account-linking must be service or lwa');
      expect(() => parseCommandLine(['--service-url', 'localhost:3000'], {})).to.throw('--service-url must be an http(s) URL');
      expect(() => parseCommandLine(['--user', ':x@example.com'], {})).to.throw('--user must look like');
      expect(() => parseCommandLine(['--colour'], {})).to.throw(/Unknown option '--colour'/);
    });
  });

  describe('the process', () => {
    let skill: SkillReceiver;
    beforeEach(async () => {
      skill = await new SkillReceiver().start();
    });
    afterEach(async () => skill.close());

    it('prints the environment, serves Amazon, takes voice commands, and stops cleanly on Ctrl-C', async () => {
      const serviceUrl = skill.url.replace(/\/alexa$/, '');
      const cli = new CliProcess(['--service-url', serviceUrl, '--user', 'Alice', '--user', 'Bob', '--client-secret', 'cli-secret-0123456789abcdef']);
      await cli.waitFor((line) => line === 'ready');
      const env = cli.env();
      expect(env.LWA_TOKEN_URL).to.match(/^http:\/\/127\.0\.0\.1:\d+\/auth\/o2\/token$/);
      expect(env.OAUTH_CLIENT_SECRET).to.equal('cli-secret-0123456789abcdef');
      expect(env.ALEXA_API_HOSTS).to.match(/^api\.amazonalexa\.com=http:\/\/127\.0\.0\.1:\d+$/);

      const refused = await fetch(env.LWA_TOKEN_URL ?? '', { method: 'POST' });
      expect(refused.status).to.equal(400);
      expect(await refused.json()).to.deep.include({ error: 'invalid_request' });
      await cli.waitFor((line) => line.includes('service → api.amazon.com POST /auth/o2/token') && line.includes('→ 400'));

      expect(await cli.command('signin Bob', (line) => line.startsWith('signed in'))).to.equal('signed in: Bob');
      expect(await cli.command('launch', (line) => line.startsWith('skill answered') || line.startsWith('error'))).to.equal('skill answered 200: "Hello."');
      expect(skill.last().envelope.request.type).to.equal('LaunchRequest');
      expect(skill.last().headers['signature-256']).to.be.a('string');
      expect(await cli.command('status', (line) => line.startsWith('Bob'))).to.equal('Bob: enabled (development), not linked');
      expect(await cli.command('fail api.amazonalexa.com 503', (line) => line.startsWith('api.'))).to.equal('api.amazonalexa.com: fails with 503');
      expect(await cli.command('intent', (line) => line.startsWith('usage'))).to.equal('usage: intent NAME [slot=value ...]');
      expect(await cli.command('fly away', (line) => line.startsWith('unknown'))).to.equal('unknown command "fly" (try help)');

      cli.signal('SIGINT');
      expect(await cli.exited).to.equal(0);
      expect(cli.lines).to.include('stopped');
      let down: unknown;
      await fetch(env.LWA_TOKEN_URL ?? '', { method: 'POST' }).catch((error: unknown) => (down = error));
      expect(down).to.be.instanceOf(TypeError);
    });

    it('keeps serving after its input ends (it can run in the background) and stops on SIGTERM', async () => {
      const cli = new CliProcess(['--quiet']);
      await cli.waitFor((line) => line === 'ready');
      cli.endInput();
      const discovery = await fetch(`${cli.env().ALEXA_API_URL ?? ''}/v1/alexaApiEndpoint`);
      expect(discovery.status).to.equal(400);
      cli.signal('SIGTERM');
      expect(await cli.exited).to.equal(0);
      expect(cli.lines).to.include('stopping (SIGTERM)');
    });

    it('exits 2 with the reason and the usage on a bad option', async () => {
      const cli = new CliProcess(['--scheme', 'DIGEST']);
      expect(await cli.exited).to.equal(2);
      const stderr = cli.stderr.join('');
      expect(stderr).to.contain('--scheme must be HTTP_BASIC or REQUEST_BODY_CREDENTIALS');
      expect(stderr).to.contain('Usage: tsx simulator/cli.ts');
    });
  });
});
