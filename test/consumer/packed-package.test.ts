import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type { RequestEnvelope } from 'ask-sdk-model';
import { alexaUserId, intentRequest, type SkillAnswer, speechOf } from '../support/alexa-requests';
import { freePort } from '../support/ports';
import type { TestService } from '../support/service';
import { linkRider, startSkillService } from '../server/skill/skill-test-kit';
import { TEST_CLIENT_ID } from '../support/settings';

const run = promisify(execFile);
const INTROSPECTION = { INTROSPECTION_CLIENT_ID: 'acme-pantry-skill', INTROSPECTION_CLIENT_SECRET: 'acme-pantry-introspection-secret-0123' };
const ROOT = resolve(__dirname, '../..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The versions the consumer installs next to the tarball: the ones this repository is built with. */
function installed(name: string): string {
  return `${name}@${(JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version}`;
}

async function typecheckProject(dir: string): Promise<string> {
  return run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir }).then(
    ({ stdout }) => stdout,
    (error: { stdout?: string }) => `tsc failed:\n${error.stdout ?? String(error)}`,
  );
}

/**
 * A project that installs the tarball and nothing else but @types/node (what any TypeScript on Node
 * has): the package's own dependencies must carry every type its published .d.ts files import.
 */
async function typecheckBareProject(bare: string, tarball: string): Promise<string> {
  await run('mkdir', ['-p', join(bare, 'src')]);
  writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'bare-consumer', private: true, version: '1.0.0', type: 'commonjs' }));
  writeFileSync(
    join(bare, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, skipLibCheck: false, noEmit: true, types: ['node'] }, include: ['src'] }),
  );
  writeFileSync(
    join(bare, 'src', 'surface.ts'),
    [
      "import * as service from 'linkwright';",
      "import * as askSdk from 'linkwright/ask-sdk';",
      "import * as verify from 'linkwright/verify';",
      "import * as tokens from 'linkwright/tokens';",
      'export const surface = [service.createLinkwright, askSdk.createLinkingKit, verify.createAlexaVerifier, tokens.createTokenVerifier, tokens.requireAccessToken];',
      '',
    ].join('\n'),
  );
  const packages = [tarball, installed('@types/node')];
  try {
    await run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...packages], { cwd: bare, timeout: 240_000 });
  } catch {
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], { cwd: bare, timeout: 240_000 });
  }
  return typecheckProject(bare);
}

/**
 * The package as a user gets it: `npm pack` (once per run), installed into a fresh project from the npm
 * cache, the README's skill example typechecked against the published .d.ts and run against a running
 * Linkwright over HTTP.
 */
describe('consumer: the packed package in a fresh project', function () {
  this.timeout(300_000);
  let work: string;
  let shipped: string[];
  let project: string;
  let service: TestService;
  let skill: ChildProcess | undefined;
  let api: ChildProcess | undefined;
  let apiUrl: string;
  let skillUrl: string;
  let typecheck: string;
  let bareTypecheck: string;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'lw-consumer-'));
    await run('npm', ['pack', '--pack-destination', work, '--silent'], { cwd: ROOT, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 });
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack wrote no tarball');
    shipped = (await run('tar', ['-tzf', join(work, tarball)], { maxBuffer: 16 * 1024 * 1024 })).stdout.split('\n').filter(Boolean).map((path) => path.replace(/^package\//, ''));
    project = join(work, 'project');
    await run('mkdir', ['-p', join(project, 'src')]);
    // Jovo 4.6's @jovotech/output asks for class-transformer ^0.4.0, and 0.4.1 was published with 0.5's
    // renamed API (no plainToClass): a Jovo app pins 0.4.0, as the README says.
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'acme-pantry-skill', private: true, version: '1.0.0', type: 'commonjs', overrides: { 'class-transformer': '0.4.0' } }));
    // A Jovo project's settings: its decorators, and skipLibCheck (Jovo 4.6's own .d.ts do not typecheck:
    // @jovotech/cli-core's, its axios re-export); the bare project below checks our .d.ts without it.
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', strict: true, experimentalDecorators: true, skipLibCheck: true, outDir: 'out', rootDir: 'src', types: ['node'] }, include: ['src'] }),
    );
    // The Alexa+ add-on example (linkwright/mcp with the MCP SDK and zod the package brings) is typechecked with them.
    for (const file of ['skill.ts', 'api.ts', 'service.ts', 'addon.ts', 'jovo-app.ts', 'jovo-check.ts', 'links.ts']) copyFileSync(join(__dirname, 'example', file), join(project, 'src', file));
    const packages = [join(work, tarball), ...['ask-sdk-core', 'ask-sdk-model', '@types/node', 'express', '@types/express', '@jovotech/framework', '@jovotech/platform-alexa'].map(installed)];
    try {
      await run('npm', ['install', '--offline', '--no-audit', '--no-fund', ...packages], { cwd: project, timeout: 240_000 });
    } catch {
      await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], { cwd: project, timeout: 240_000 });
    }
    typecheck = await typecheckProject(project);
    bareTypecheck = await typecheckBareProject(join(work, 'bare'), join(work, tarball));
    service = await startSkillService(INTROSPECTION);
    const port = await freePort();
    skill = spawn(process.execPath, ['out/skill.js'], {
      cwd: project,
      env: { PATH: process.env.PATH, PORT: String(port), LINKWRIGHT_URL: service.services.settings.publicUrl, SKILL_VERIFY_SIGNATURE: 'false', ...INTROSPECTION },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    skillUrl = `http://127.0.0.1:${port}`;
    const apiPort = await freePort();
    api = spawn(process.execPath, ['out/api.js'], {
      cwd: project,
      env: { PATH: process.env.PATH, PORT: String(apiPort), LINKWRIGHT_URL: service.services.settings.publicUrl, ...INTROSPECTION },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    apiUrl = `http://127.0.0.1:${apiPort}`;
    await listening(() => fetch(skillUrl, { method: 'POST', body: '{}' }).then((r) => r.status === 400), 'the example skill');
    await listening(() => fetch(`${apiUrl}/orders`).then((r) => r.status === 401), 'the example API');
  });

  after(async () => {
    skill?.kill();
    api?.kill();
    await service?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('typechecks the README examples (skill, API, Alexa+ add-on, Jovo app) and an embedded createLinkwright against the published .d.ts (tsc in the fresh project)', () => {
    expect(typecheck).to.equal('');
  });

  it('the tarball ships what dist needs to run and nothing of the checkout besides (no tests, bench results, .env, sources or maps)', () => {
    expect(shipped).to.include.members(['package.json', 'README.md', 'dist/server/index.js', 'dist/server/index.d.ts', 'dist/server/main.js', 'dist/server/views/styles.css', 'dist/kit/tokens/index.d.ts']);
    const unwanted = shipped.filter((path) => /^(test|bench|simulator|scripts|node_modules)\/|(^|\/)\.env$|\.map$|(?<!\.d)\.ts$/.test(path));
    expect(unwanted).to.deep.equal([]);
  });

  it('a fresh project with only the package (no @types/express, no skipLibCheck) typechecks every entry point\'s .d.ts', () => {
    expect(bareTypecheck).to.equal('');
  });

  async function listening(probe: () => Promise<boolean>, what: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (await probe().catch(() => false)) return;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`${what} did not start`);
  }

  async function ask(envelope: RequestEnvelope): Promise<SkillAnswer> {
    const response = await fetch(skillUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(envelope) });
    return { status: response.status, body: (await response.json()) as SkillAnswer['body'] };
  }

  it('unlinked: the LinkAccount card, spoken in de-DE and ja-JP with the skill name', async () => {
    const de = await ask(intentRequest('ReorderIntent', {}, { clock: service.clock, locale: 'de-DE' }));
    expect(de.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(de)).to.equal('Dafür muss Acme Pantry wissen, wer du bist. Ich habe dir eine Anleitung zum Verknüpfen deines Kontos bei Acme Pantry in die Alexa App geschickt.');
    const ja = await ask(intentRequest('ReorderIntent', {}, { clock: service.clock, locale: 'ja-JP' }));
    expect(ja.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(speechOf(ja)).to.equal('そのためには、Acme Pantryがあなたのアカウントを確認する必要があります。Acme Pantryのアカウントをリンクする手順をAlexaアプリに送りました。');
  });

  it('linked: the user Linkwright issued the token for', async () => {
    const rider = await linkRider(service, 'Sam');
    const answer = await ask(intentRequest('ReorderIntent', {}, { clock: service.clock, accessToken: rider.accessToken }));
    expect(speechOf(answer)).to.equal(`Reordered for ${rider.account.id}, linked as user.`);
  });

  it('a recognized person’s own token is preferred to the account’s', async () => {
    const owner = await linkRider(service, 'Owner');
    const kid = await linkRider(service, 'Kid');
    const envelope = intentRequest('ReorderIntent', {}, { clock: service.clock, userId: alexaUserId('household'), accessToken: owner.accessToken }) as RequestEnvelope & { context: { System: Record<string, unknown> } };
    envelope.context.System.person = { personId: 'amzn1.ask.person.KID', accessToken: kid.accessToken };
    expect(speechOf(await ask(envelope))).to.equal(`Reordered for ${kid.account.id}, linked as person.`);
  });

  it('revoked: "not linked" within the documented 5 s of the revocation at Linkwright', async () => {
    const rider = await linkRider(service, 'Sam');
    const order = () => ask(intentRequest('ReorderIntent', {}, { clock: service.clock, accessToken: rider.accessToken }));
    expect(speechOf(await order())).to.equal(`Reordered for ${rider.account.id}, linked as user.`);
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked');
    const revokedAt = Date.now();
    let answer = await order();
    // The bound is the verifier's revocationCheckMs (5 s): poll within it, fail past it.
    while (answer.body.response?.card === undefined && Date.now() - revokedAt < 6000) {
      await new Promise((done) => setTimeout(done, 200));
      answer = await order();
    }
    expect(answer.body.response?.card).to.deep.equal({ type: 'LinkAccount' });
    expect(Date.now() - revokedAt).to.be.below(6000);
  });

  it('the express API example: 401 without a token, the user with one, 401 within 5 s of a revocation', async () => {
    expect((await fetch(`${apiUrl}/orders`)).status).to.equal(401);
    const rider = await linkRider(service, 'Sam');
    const orders = () => fetch(`${apiUrl}/orders`, { headers: { Authorization: `Bearer ${rider.accessToken}` } });
    const ok = await orders();
    expect(ok.status).to.equal(200);
    expect(await ok.json()).to.deep.equal({ user: rider.account.id, client: TEST_CLIENT_ID, orders: [] });
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked');
    const revokedAt = Date.now();
    let status = (await orders()).status;
    while (status === 200 && Date.now() - revokedAt < 6000) {
      await new Promise((done) => setTimeout(done, 200));
      status = (await orders()).status;
    }
    expect(status).to.equal(401);
  });

  // Exiting by itself (well within the timeout) is the proof that nothing listens or polls; the active
  // resources right after loading name any server, socket or timer that would keep it alive (stdout's own pipe aside).
  for (const mode of ['require', 'import'] as const) {
    it(`every entry point of the installed package loads with ${mode}() and starts nothing: the process exits by itself`, async () => {
      const manifest = JSON.parse(readFileSync(join(project, 'node_modules', 'linkwright', 'package.json'), 'utf8')) as { exports: Record<string, string | { default: string }> };
      const entries = Object.entries(manifest.exports)
        .filter((entry): entry is [string, { default: string }] => typeof entry[1] === 'object')
        // An entry another branch is still landing has no file in the tarball yet.
        .filter(([, target]) => existsSync(join(project, 'node_modules', 'linkwright', target.default)))
        .map(([subpath]) => (subpath === '.' ? 'linkwright' : `linkwright/${subpath.slice(2)}`));
      expect(entries).to.include.members(['linkwright', 'linkwright/ask-sdk', 'linkwright/verify', 'linkwright/tokens']);
      for (const entry of entries) {
        const load = mode === 'require' ? `const entry = require('${entry}')` : `const entry = await import('${entry}')`;
        const script = `${load}; console.log(JSON.stringify({ exports: Object.keys(entry).length, resources: process.getActiveResourcesInfo() }))`;
        const args = mode === 'require' ? ['-e', script] : ['--input-type=module', '-e', script];
        const started = Date.now();
        const { stdout } = await run(process.execPath, args, { cwd: project, timeout: 15_000 });
        const loaded = JSON.parse(stdout.trim()) as { exports: number; resources: string[] };
        expect(loaded.exports, `${entry} exports something`).to.be.greaterThan(0);
        expect(loaded.resources.filter((resource) => /TCP|UDP|PipeServer|Timeout|Immediate|Interval/.test(resource)), `${entry}: nothing listening or scheduled`).to.deep.equal([]);
        expect(Date.now() - started, `${entry}: exits by itself at once`).to.be.below(10_000);
      }
    });
  }

  it('a company’s own link store and resolver: the store’s read is prepared while the resolver asks its backend, and handed to remember; a refused token prepares nothing', async () => {
    const { stdout } = await run(process.execPath, ['out/links.js'], { cwd: project, env: { PATH: process.env.PATH }, timeout: 60_000 });
    expect(JSON.parse(stdout)).to.deep.equal(['prepare amzn1.ask.account.ACME', 'backend asked', 'remember amzn1.ask.account.ACME acme-user-1 row of amzn1.ask.account.ACME']);
  });

  describe('the README’s Jovo v4 app, driven with Jovo’s TestSuite on the Alexa platform', () => {
    /** Runs envelopes through the example app in the fresh project (out/jovo-check.js) and answers its responses. */
    async function jovo(envelopes: RequestEnvelope[]): Promise<Array<{ response: { card?: unknown; outputSpeech?: { ssml?: string }; shouldEndSession?: boolean } }>> {
      const file = join(work, `envelopes-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify(envelopes));
      await run(process.execPath, ['out/jovo-check.js', file, `${file}.out`], { cwd: project, env: { PATH: process.env.PATH, LINKWRIGHT_URL: service.services.settings.publicUrl }, timeout: 60_000 });
      return JSON.parse(readFileSync(`${file}.out`, 'utf8')) as Array<{ response: { card?: unknown; outputSpeech?: { ssml?: string }; shouldEndSession?: boolean } }>;
    }
    const spoken = (answer: { response: { outputSpeech?: { ssml?: string } } } | undefined) => answer?.response.outputSpeech?.ssml?.replace(/^<speak>|<\/speak>$/g, '');

    it('unlinked: the LinkAccount card in de-DE and ja-JP; linked: the user; a recognized person’s token first; a forged token is not linked', async () => {
      const rider = await linkRider(service, 'Sam');
      const owner = await linkRider(service, 'Owner');
      const kid = await linkRider(service, 'Kid');
      const household = intentRequest('ReorderIntent', {}, { clock: service.clock, userId: alexaUserId('household'), accessToken: owner.accessToken }) as RequestEnvelope & { context: { System: Record<string, unknown> } };
      household.context.System.person = { personId: 'amzn1.ask.person.KID', accessToken: kid.accessToken };
      const [de, ja, linked, person, forged] = await jovo([
        intentRequest('ReorderIntent', {}, { clock: service.clock, locale: 'de-DE' }),
        intentRequest('ReorderIntent', {}, { clock: service.clock, locale: 'ja-JP' }),
        intentRequest('ReorderIntent', {}, { clock: service.clock, accessToken: rider.accessToken }),
        household,
        intentRequest('ReorderIntent', {}, { clock: service.clock, accessToken: `${rider.accessToken.slice(0, -4)}AAAA` }),
      ]);
      expect(de?.response.card).to.deep.equal({ type: 'LinkAccount' });
      expect(spoken(de)).to.equal('Dafür muss Acme Pantry wissen, wer du bist. Ich habe dir eine Anleitung zum Verknüpfen deines Kontos bei Acme Pantry in die Alexa App geschickt.');
      expect(ja?.response.card).to.deep.equal({ type: 'LinkAccount' });
      expect(spoken(ja)).to.equal('そのためには、Acme Pantryがあなたのアカウントを確認する必要があります。Acme Pantryのアカウントをリンクする手順をAlexaアプリに送りました。');
      expect(spoken(linked)).to.equal(`Reordered for ${rider.account.id}, linked as user.`);
      expect(spoken(person)).to.equal(`Reordered for ${kid.account.id}, linked as person.`);
      expect(forged?.response.card).to.deep.equal({ type: 'LinkAccount' });
    });
  });
});
