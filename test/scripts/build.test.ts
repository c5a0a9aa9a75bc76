import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
type CheckDist = typeof import('../../scripts/build/check-dist.mjs');
type CopyAssets = typeof import('../../scripts/build/copy-assets.mjs');

describe('the build and npm start', () => {
  let distState: CheckDist['distState'];
  let copyAssets: CopyAssets['copyAssets'];
  before(async () => {
    ({ distState } = (await import('../../scripts/build/check-dist.mjs')) as CheckDist);
    ({ copyAssets } = (await import('../../scripts/build/copy-assets.mjs')) as CopyAssets);
  });

  it('copies every file the compiled code reads next to it (tsc copies only .ts output)', () => {
    const out = mkdtempSync(join(tmpdir(), 'lw-dist-'));
    const copied = copyAssets(process.cwd(), out);
    expect(copied).to.include('server/views/styles.css');
    expect(readFileSync(join(out, 'server/views/styles.css'), 'utf8')).to.equal(readFileSync('server/views/styles.css', 'utf8'));
    expect(existsSync(join(out, 'skill-package/skill.json'))).to.equal(true);
    expect(copied.filter((path) => path.endsWith('.ts'))).to.deep.equal([]);
    expect(existsSync(join(out, '.build-stamp'))).to.equal(true);
  });

  it('npm start runs dist/ and never compiles; npm install builds it (prepare)', () => {
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.prestart).to.equal(undefined);
    expect(scripts.start).to.equal('node scripts/build/check-dist.mjs && node dist/server/main.js');
    expect(scripts.start).to.not.match(/\btsc\b|\btsx\b|npm run build/);
    expect(scripts.prepare).to.equal('node scripts/build/prepare.mjs');
    expect(scripts.build).to.include('tsc -p tsconfig.build.json').and.include('scripts/build/copy-assets.mjs');
    expect(scripts.dev).to.match(/^tsx /);
  });

  it('tells a missing build from a stale one and a current one', () => {
    const root = mkdtempSync(join(tmpdir(), 'lw-start-'));
    mkdirSync(join(root, 'server'));
    writeFileSync(join(root, 'server/main.ts'), '');
    expect(distState(root)).to.equal('missing');
    mkdirSync(join(root, 'dist/server'), { recursive: true });
    writeFileSync(join(root, 'dist/server/main.js'), '');
    writeFileSync(join(root, 'dist/.build-stamp'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(root, 'server/main.ts'), past, past);
    expect(distState(root)).to.equal('ok');
    utimesSync(join(root, 'server/main.ts'), new Date(Date.now() + 60_000), new Date(Date.now() + 60_000));
    expect(distState(root)).to.equal('stale');
  });

  it('without dist/ says which command builds it and exits 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'lw-start-'));
    const failure = (await run(process.execPath, [join(process.cwd(), 'scripts/build/check-dist.mjs')], { cwd: root }).catch((error: unknown) => error)) as { code?: number; stderr?: string };
    expect(failure.code).to.equal(1);
    expect(failure.stderr).to.include('dist/server/main.js is missing: run npm run build');
  });
});
