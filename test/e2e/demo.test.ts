import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { expect } from 'chai';

const ROOT = resolve(__dirname, '..', '..');

/** Runs `node --require tsx/cjs scripts/demo.ts` (what `npm run demo` runs, through tsx) to its end. */
function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'scripts/demo.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * `npm run demo` end to end: the service and the simulator start on loopback with no browser and no
 * Redis, the five stories run (the fifth an Alexa+ add-on over MCP), and the final table says they all worked. The secrets are handed in
 * through the environment so the test knows them and can check that none was printed; tokens and
 * codes the demo made up are checked by their shape.
 */
describe('e2e: npm run demo', function () {
  this.timeout(90_000);
  const secrets = {
    OAUTH_CLIENT_SECRET: `demo-client-secret-${randomBytes(12).toString('hex')}`,
    LWA_CLIENT_SECRET: `amzn1.oa2-cs.v1.${randomBytes(16).toString('hex')}`,
    DEMO_PASSWORD: `demo-password-${randomBytes(9).toString('hex')}`,
    APP_LINKS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ALEXA_PLUS_CLIENT_SECRET: `addon-secret-${randomBytes(12).toString('hex')}`,
  };
  let run: { code: number | null; stdout: string; stderr: string };

  before(async () => {
    // REDIS_URL is set in some test environments; the demo must not need it, so it is taken away.
    run = await runDemo({ ...secrets, REDIS_URL: '' });
  });

  it('exits 0, and its final table lists the five stories as working', () => {
    expect(run.code, run.stdout.slice(-3000) + run.stderr).to.equal(0);
    const table = run.stdout.slice(run.stdout.indexOf('What worked'));
    for (const [id, title] of [
      [1, 'Web linking'],
      [2, 'Voice-forward linking'],
      [3, 'App-to-app from your app'],
      [4, 'App-to-app from the Alexa app'],
      [5, 'Alexa\\+ add-on \\(MCP\\)'],
    ] as const) {
      expect(table, `story ${id}`).to.match(new RegExp(`^  ${id}  ${title}.* worked  (\\d+)/\\1$`, 'm'));
    }
    expect(run.stdout).to.include('5 of 5 stories worked.');
    expect(run.stderr).to.equal('');
  });

  it('prints each exchange on one line: who called whom, with which parameters', () => {
    const lines = run.stdout.split('\n');
    const exchange = (pattern: RegExp) => lines.filter((line) => pattern.test(line));
    expect(exchange(/^ {4}\d\d:\d\d:\d\d {2}browser → service +GET +\/oauth\/authorize +200 .*code_challenge_method=S256/), "stories 1 and 5").to.have.length(2);
    expect(exchange(/^ {4}\d\d:\d\d:\d\d {2}Alexa {3}→ service +POST +\/oauth\/token +200 .*grant_type=authorization_code/)).to.have.length(3);
    expect(exchange(/^ {4}\d\d:\d\d:\d\d {2}Alexa {3}→ service +POST +\/oauth\/token +200 .*grant_type=refresh_token/)).to.have.length(1);
    expect(exchange(/service → api\.amazonalexa\.com +POST +\/v1\/users\/~current\/skills\/\{skillId\}\/ena… 201/)).to.have.length(1);
    expect(exchange(/request=SessionResumedRequest (DENIED|USER_REQUIREMENTS_NOT_MET|LINKED)/)).to.have.length(4);
    // Story 5: Alexa+ with a service token, then the user's code redeemed with PKCE and the MCP server as resource.
    expect(exchange(/^ {4}\d\d:\d\d:\d\d {2}Alexa\+ {2}→ service +POST +\/oauth\/token +200 .*grant_type=client_credentials resource=\{service\}\/mcp/)).to.have.length(1);
    expect(exchange(/Alexa\+ {2}→ service +POST +\/oauth\/token +200 .*grant_type=authorization_code .*code_verifier=.*resource=\{service\}\/mcp/)).to.have.length(1);
    expect(exchange(/Alexa\+ {2}→ service +POST +\/mcp +200 .*rpc=tools\/list/)).to.have.length(1);
    expect(exchange(/Alexa\+ {2}→ service +POST +\/mcp +401 +Bearer resource_metadata=/)).to.have.length(1);
    // Columns line up: every exchange line has its arrow at the same place.
    const arrows = new Set(exchange(/^ {4}\d\d:\d\d:\d\d /).map((line) => line.indexOf('→')));
    expect([...arrows]).to.have.length(1);
  });

  it('never prints a secret, a token or a code', () => {
    const output = run.stdout + run.stderr;
    for (const [name, value] of Object.entries(secrets)) expect(output.includes(value), name).to.equal(false);
    expect(output).to.match(/password=\[masked\]/);
    expect(output, 'a JWT').to.not.match(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    expect(output, 'an LWA token').to.not.match(/Atz[ar]\|[^…\s]{2,}/);
    // Codes, refresh tokens, CSRF tokens and cookies are 43 base64url characters or more; nothing else printed is that long.
    expect(output.match(/[\w-]{40,}/g), 'a long opaque value').to.equal(null);
    expect(output).to.match(/Secrets: none of the \d+ secrets, tokens, codes and cookies the demo handled appears above\./);
  });
});
