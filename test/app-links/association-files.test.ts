import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import {
  ANDROID_FILE,
  APPLE_FILE,
  buildAppleAppSiteAssociation,
  buildAssetLinks,
  DEMO_APPS,
  defaultWellKnownDir,
  renderJsonFile,
} from '../../app-links/association-files';
import { generateAssociationFiles } from '../../app-links/generate-association-files';
import { SettingsError } from '../../server/config/env';
import { loadSettings } from '../../server/config/settings';
import { startTestService, type TestService } from '../support/service';

const run = promisify(execFile);
const IOS = 'ABCDE12345.com.ridehailer.app';
const FINGERPRINT = '14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5';
const APPS = { APP_IOS_APP_IDS: IOS, APP_ANDROID_PACKAGE: 'com.ridehailer.app', APP_ANDROID_CERT_SHA256: FINGERPRINT };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadSettings(env);
    return [];
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
}

/** A directory holding association files generated for `env`, plus any overrides. */
function wellKnownDir(env: Record<string, string>, overrides: Partial<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lw-well-known-'));
  const result = generateAssociationFiles(env, ['--out', dir]);
  expect(result.exitCode, result.lines.join('\n')).to.equal(0);
  for (const [name, text] of Object.entries(overrides)) writeFileSync(join(dir, name), text as string);
  return dir;
}

describe('app-links association files', () => {
  describe('served over HTTP', () => {
    let service: TestService;
    before(async () => {
      service = await startTestService();
    });
    after(async () => service?.close());

    for (const name of [APPLE_FILE, ANDROID_FILE]) {
      it(`serves /.well-known/${name}: 200, application/json, cacheable, no redirect, the checked-in bytes`, async () => {
        const response = await fetch(`${service.url}/.well-known/${name}`, { redirect: 'manual' });
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^application\/json/);
        expect(response.headers.get('cache-control')).to.equal('public, max-age=3600');
        expect(response.headers.get('location')).to.equal(null);
        expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(defaultWellKnownDir(), name)))).to.equal(true);
        const head = await fetch(`${service.url}/.well-known/${name}`, { method: 'HEAD' });
        expect(head.status).to.equal(200);
      });
    }

    it('serves an AASA in the modern components form covering exactly the return and the Alexa-app authorization paths', async () => {
      const aasa = (await (await fetch(`${service.url}/.well-known/apple-app-site-association`)).json()) as {
        applinks: { details: Array<{ appIDs: string[]; components: Array<Record<string, unknown>> }>; apps?: unknown };
      };
      expect(aasa.applinks.apps).to.equal(undefined);
      expect(aasa.applinks.details).to.have.length(1);
      const detail = aasa.applinks.details[0] as { appIDs: string[]; components: Array<Record<string, unknown>> };
      expect(detail.appIDs).to.deep.equal(DEMO_APPS.iosAppIds);
      expect(detail).to.not.have.property('appID');
      expect(detail).to.not.have.property('paths');
      expect(detail.components.map((c) => c['/'])).to.deep.equal(['/app-links/return', '/app-links/authorize']);
      expect(detail.components.every((c) => c.exclude === undefined && c['?'] === undefined)).to.equal(true);
    });

    it('serves assetlinks.json granting handle_all_urls to the package and its signing certificates', async () => {
      const statements = (await (await fetch(`${service.url}/.well-known/assetlinks.json`)).json()) as unknown[];
      expect(statements).to.deep.equal([
        {
          relation: ['delegate_permission/common.handle_all_urls'],
          target: { namespace: 'android_app', package_name: DEMO_APPS.androidPackage, sha256_cert_fingerprints: DEMO_APPS.androidCertSha256 },
        },
      ]);
    });

    it('does not serve a file for a platform that is not configured', async () => {
      const dir = wellKnownDir({ APP_ANDROID_PACKAGE: 'com.ridehailer.app', APP_ANDROID_CERT_SHA256: FINGERPRINT });
      const androidOnly = await startTestService({ env: { APP_ANDROID_PACKAGE: 'com.ridehailer.app', APP_ANDROID_CERT_SHA256: FINGERPRINT, APP_LINKS_WELL_KNOWN_DIR: dir } });
      try {
        expect((await fetch(`${androidOnly.url}/.well-known/apple-app-site-association`)).status).to.equal(404);
        expect((await fetch(`${androidOnly.url}/.well-known/assetlinks.json`)).status).to.equal(200);
      } finally {
        await androidOnly.close();
      }
    });
  });

  describe('generated from settings', () => {
    it('matches the checked-in demo files (what a start with no settings serves)', () => {
      const result = generateAssociationFiles({}, ['--check']);
      expect(result.lines.join('\n')).to.include('match the settings');
      expect(result.exitCode).to.equal(0);
    });

    it('writes the files for the configured apps, covering the return path only when it is on our origin', () => {
      const dir = wellKnownDir({ ...APPS, PUBLIC_URL: 'https://link.ridehailer.example', APP_IOS_APP_IDS: `${IOS},FGHIJ67890.com.ridehailer.beta` });
      const aasa = JSON.parse(readFileSync(join(dir, APPLE_FILE), 'utf8')) as { applinks: { details: Array<{ appIDs: string[]; components: Array<Record<string, string>> }> } };
      expect(aasa.applinks.details[0]?.appIDs).to.deep.equal([IOS, 'FGHIJ67890.com.ridehailer.beta']);
      expect(aasa.applinks.details[0]?.components.map((c) => c['/'])).to.deep.equal(['/app-links/return', '/app-links/authorize']);

      const elsewhere = wellKnownDir({ ...APPS, PUBLIC_URL: 'https://link.ridehailer.example', APP_REDIRECT_URL: 'https://www.ridehailer.example/alexa/return' });
      const other = JSON.parse(readFileSync(join(elsewhere, APPLE_FILE), 'utf8')) as { applinks: { details: Array<{ components: Array<Record<string, string>> }> } };
      expect(other.applinks.details[0]?.components.map((c) => c['/'])).to.deep.equal(['/app-links/authorize']);
    });

    it('renders the same bytes the builders produce', () => {
      const settings = { iosAppIds: [IOS], androidPackage: 'com.ridehailer.app', androidCertSha256: [FINGERPRINT], paths: ['/app-links/return', '/app-links/authorize'] };
      const dir = wellKnownDir({ ...APPS });
      expect(readFileSync(join(dir, APPLE_FILE), 'utf8')).to.equal(renderJsonFile(buildAppleAppSiteAssociation(settings)));
      expect(readFileSync(join(dir, ANDROID_FILE), 'utf8')).to.equal(renderJsonFile(buildAssetLinks(settings)));
    });

    it('refuses to generate from bad settings, one line each, and --check reports stale files', () => {
      const bad = generateAssociationFiles({ APP_IOS_APP_IDS: 'com.ridehailer.app', APP_ANDROID_PACKAGE: 'com.ridehailer.app', APP_ANDROID_CERT_SHA256: '14:6D:E9' }, ['--out', mkdtempSync(join(tmpdir(), 'lw-'))]);
      expect(bad.exitCode).to.equal(78);
      expect(bad.lines.some((l) => l.includes('APP_IOS_APP_IDS entry must be TEAMID.bundle.id'))).to.equal(true);
      expect(bad.lines.some((l) => l.includes('APP_ANDROID_CERT_SHA256 entry must be 32 colon-separated upper-case hex bytes'))).to.equal(true);

      const dir = wellKnownDir(APPS);
      const stale = generateAssociationFiles({ ...APPS, APP_ANDROID_PACKAGE: 'com.ridehailer.other' }, ['--out', dir, '--check']);
      expect(stale.exitCode).to.equal(1);
      expect(stale.lines.join('\n')).to.include(`${ANDROID_FILE} differs from the settings`);
    });

    it('runs as the documented command (tsx app-links/generate-association-files.ts)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lw-cli-'));
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...APPS };
      const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', 'app-links/generate-association-files.ts', '--out', dir], { env, timeout: 20_000 });
      expect(stdout).to.include(`wrote ${join(dir, APPLE_FILE)}`);
      expect(JSON.parse(readFileSync(join(dir, ANDROID_FILE), 'utf8'))).to.have.length(1);
      const failure = await run(process.execPath, ['--require', 'tsx/cjs', 'app-links/generate-association-files.ts', '--out', dir], { env: { ...env, APP_IOS_APP_IDS: 'nope' }, timeout: 20_000 }).catch((e: unknown) => e as { code: number; stderr: string });
      expect((failure as { code: number }).code).to.equal(78);
      expect((failure as { stderr: string }).stderr).to.include('APP_IOS_APP_IDS entry must be TEAMID.bundle.id');
    });
  });

  describe('validated at start', () => {
    const appleWith = (document: unknown) => ({ [APPLE_FILE]: JSON.stringify(document) });
    const goodDetail = { appIDs: [IOS], components: [{ '/': '/app-links/return' }, { '/': '/app-links/authorize' }] };

    const cases: Array<[string, Partial<Record<string, string>>, string]> = [
      ['a file that is not JSON', { [APPLE_FILE]: '{"applinks": ' }, `${APPLE_FILE}: is not valid JSON`],
      ['a JSON file of the wrong shape', appleWith({ applinks: {} }), 'is not an apple-app-site-association document'],
      ['an app id without a team prefix', appleWith({ applinks: { details: [{ ...goodDetail, appIDs: [IOS, 'com.ridehailer.app'] }] } }), 'app id "com.ridehailer.app" has no team prefix'],
      ['the legacy appID/paths form', appleWith({ applinks: { apps: [], details: [{ appID: IOS, paths: ['*'] }] } }), 'uses the legacy appID/paths form'],
      ['a path no link uses', appleWith({ applinks: { details: [{ ...goodDetail, components: [...goodDetail.components, { '/': '/*' }] }] } }), 'covers the path "/*", which no link uses'],
      ['a missing link path', appleWith({ applinks: { details: [{ ...goodDetail, components: [{ '/': '/app-links/return' }] }] } }), 'does not cover /app-links/authorize'],
      ['a configured app missing from the file', appleWith({ applinks: { details: [{ ...goodDetail, appIDs: ['FGHIJ67890.com.other'] }] } }), `does not list the app ${IOS}`],
      ['a fingerprint of the wrong length', { [ANDROID_FILE]: JSON.stringify([{ relation: ['delegate_permission/common.handle_all_urls'], target: { namespace: 'android_app', package_name: 'com.ridehailer.app', sha256_cert_fingerprints: [FINGERPRINT, '14:6D:E9:83'] } }]) }, 'fingerprint "14:6D:E9:83" is not 32 colon-separated upper-case hex bytes'],
      ['a lower-case fingerprint', { [ANDROID_FILE]: JSON.stringify([{ relation: ['delegate_permission/common.handle_all_urls'], target: { namespace: 'android_app', package_name: 'com.ridehailer.app', sha256_cert_fingerprints: [FINGERPRINT.toLowerCase()] } }]) }, 'is not 32 colon-separated upper-case hex bytes'],
      ['assetlinks that is not a list', { [ANDROID_FILE]: '{"relation": []}' }, 'is not a Digital Asset Links statement list'],
      ['assetlinks without the configured certificate', { [ANDROID_FILE]: JSON.stringify([{ relation: ['delegate_permission/common.handle_all_urls'], target: { namespace: 'android_app', package_name: 'com.ridehailer.app', sha256_cert_fingerprints: [FINGERPRINT.replace('14:', 'AA:')] } }]) }, `lacks the fingerprint(s) ${FINGERPRINT}`],
    ];
    for (const [label, overrides, expected] of cases) {
      it(`refuses to start with ${label}`, () => {
        const dir = wellKnownDir(APPS, overrides);
        const problems = problemsOf({ ...APPS, APP_LINKS_WELL_KNOWN_DIR: dir });
        expect(problems.some((line) => line.includes(expected)), problems.join('\n')).to.equal(true);
      });
    }

    it('serves what the settings generate for a file the folder does not have (a release carries no .well-known/)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lw-empty-'));
      const env = { ...APPS, APP_LINKS_WELL_KNOWN_DIR: dir };
      expect(problemsOf(env)).to.deep.equal([]);
      const settings = loadSettings(env).appLinks;
      expect(settings.files.generated).to.deep.equal([APPLE_FILE, ANDROID_FILE]);
      const generated = mkdtempSync(join(tmpdir(), 'lw-generated-'));
      generateAssociationFiles(env, ['--out', generated]);
      expect(settings.files.apple?.equals(readFileSync(join(generated, APPLE_FILE)))).to.equal(true);
      expect(settings.files.android?.equals(readFileSync(join(generated, ANDROID_FILE)))).to.equal(true);
      const served = await startTestService({ env });
      try {
        const response = await fetch(`${served.url}/.well-known/${APPLE_FILE}`);
        expect(response.status).to.equal(200);
        expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(generated, APPLE_FILE)))).to.equal(true);
      } finally {
        await served.close();
      }
    });

    it('still refuses a file it cannot read, with the command that remakes it', () => {
      const dir = wellKnownDir(APPS);
      const path = join(dir, APPLE_FILE);
      rmSync(path);
      mkdirSync(path); // a folder where the file should be: EISDIR
      const problems = problemsOf({ ...APPS, APP_LINKS_WELL_KNOWN_DIR: dir });
      expect(problems.some((line) => line.startsWith(`${path}: cannot read the association file (EISDIR); regenerate it with \`npm run app-links:files\``)), problems.join('\n')).to.equal(true);
    });

    it('refuses malformed app settings, one line each', () => {
      const problems = problemsOf({ APP_IOS_APP_IDS: 'abcde12345.com.x, ABCDE12345', APP_ANDROID_PACKAGE: 'not a package', APP_ANDROID_CERT_SHA256: FINGERPRINT.replace(/:/g, '') });
      expect(problems).to.include('APP_IOS_APP_IDS entry must be TEAMID.bundle.id (a 10-character upper-case team prefix, a dot, the bundle id), got "abcde12345.com.x"');
      expect(problems).to.include('APP_IOS_APP_IDS entry must be TEAMID.bundle.id (a 10-character upper-case team prefix, a dot, the bundle id), got "ABCDE12345"');
      expect(problems).to.include('APP_ANDROID_PACKAGE must be a Java-style package name such as com.example.app, got "not a package"');
      expect(problems.some((line) => line.startsWith('APP_ANDROID_CERT_SHA256 entry must be 32 colon-separated'))).to.equal(true);
    });

    it('stops `npm start` with the line (exit 78)', async () => {
      const dir = wellKnownDir(APPS, { [APPLE_FILE]: '{ not json' });
      const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', ...APPS, APP_LINKS_WELL_KNOWN_DIR: dir };
      const failure = (await run(process.execPath, ['--require', 'tsx/cjs', 'server/main.ts'], { env, timeout: 20_000 }).catch((e: unknown) => e)) as { code: number; stderr: string };
      expect(failure.code).to.equal(78);
      expect(failure.stderr).to.include(`  - ${join(dir, APPLE_FILE)}: is not valid JSON`);
    });
  });
});
