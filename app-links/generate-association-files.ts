/**
 * Writes .well-known/apple-app-site-association and .well-known/assetlinks.json from the settings
 * (APP_IOS_APP_IDS, APP_ANDROID_PACKAGE, APP_ANDROID_CERT_SHA256, PUBLIC_URL, APP_REDIRECT_URL).
 *
 *   npm run app-links:files                 write the files into .well-known/ (or APP_LINKS_WELL_KNOWN_DIR)
 *   npm run app-links:files -- --out DIR    write them elsewhere
 *   npm run app-links:files -- --check      exit 1 when the files on disk differ from the settings (CI)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Env, EnvReader } from '../server/config/env';
import {
  ANDROID_FILE,
  APPLE_FILE,
  buildAppleAppSiteAssociation,
  buildAssetLinks,
  defaultWellKnownDir,
  readAssociationSettings,
  renderJsonFile,
} from './association-files';
import { readReturnUrl } from './settings';

export interface GenerateResult {
  exitCode: number;
  lines: string[];
}

/** Generates (or, with --check, compares) the association files for an environment; never throws on bad settings. */
export function generateAssociationFiles(env: Env, args: string[]): GenerateResult {
  const read = new EnvReader(env);
  const production = read.string('NODE_ENV') === 'production';
  const port = read.integer('PORT', 3000, 0, 65535);
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`) ?? `http://localhost:${port}`;
  const settings = readAssociationSettings(read, production, publicUrl, readReturnUrl(read, publicUrl, production));
  if (settings.iosAppIds.length === 0 && settings.androidPackage === undefined) read.problem('set APP_IOS_APP_IDS and/or APP_ANDROID_PACKAGE: there is no app to associate');
  if (read.problems.length > 0) return { exitCode: 78, lines: ['cannot generate the association files:', ...read.problems.map((p) => `  - ${p}`)] };

  const outIndex = args.indexOf('--out');
  const dir = outIndex >= 0 && args[outIndex + 1] ? (args[outIndex + 1] as string) : (read.string('APP_LINKS_WELL_KNOWN_DIR') ?? defaultWellKnownDir());
  const wanted: Array<[string, string]> = [];
  if (settings.iosAppIds.length > 0) wanted.push([APPLE_FILE, renderJsonFile(buildAppleAppSiteAssociation(settings))]);
  if (settings.androidPackage !== undefined) wanted.push([ANDROID_FILE, renderJsonFile(buildAssetLinks(settings))]);

  if (args.includes('--check')) {
    const stale = wanted.filter(([name, text]) => !existsSync(join(dir, name)) || readFileSync(join(dir, name), 'utf8') !== text);
    if (stale.length === 0) return { exitCode: 0, lines: [`association files in ${dir} match the settings`] };
    return { exitCode: 1, lines: stale.map(([name]) => `${join(dir, name)} differs from the settings; run npm run app-links:files`) };
  }
  mkdirSync(dir, { recursive: true });
  const lines: string[] = [];
  for (const [name, text] of wanted) {
    writeFileSync(join(dir, name), text);
    lines.push(`wrote ${join(dir, name)}`);
  }
  lines.push(`paths covered: ${settings.paths.join(', ')}`);
  return { exitCode: 0, lines };
}

if (require.main === module) {
  const result = generateAssociationFiles(process.env, process.argv.slice(2));
  (result.exitCode === 0 ? console.log : console.error)(result.lines.join('\n'));
  process.exitCode = result.exitCode;
}
