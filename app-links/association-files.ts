import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EnvReader } from '../server/config/env';

/** Where the Alexa app opens the company's app (starting from the Alexa app), and the browser fallback page. */
export const AUTHORIZE_PATH = '/app-links/authorize';
/** Where Amazon sends the user back (starting from your app), and the browser fallback page. */
export const RETURN_PATH = '/app-links/return';

export const APPLE_FILE = 'apple-app-site-association';
export const ANDROID_FILE = 'assetlinks.json';

/** Which apps may open which of our URLs: the input of both association files. */
export interface AssociationSettings {
  /** `TEAMID.bundle.id` of each iOS app. */
  iosAppIds: string[];
  androidPackage: string | undefined;
  /** SHA-256 fingerprints of the Android signing certificates, upper-case colon-separated hex. */
  androidCertSha256: string[];
  /** The exact URL paths the links use (universal links / app links must cover these and only these). */
  paths: string[];
}

/**
 * The association files as served: the exact bytes from `.well-known/`, validated at start, or, for a
 * file the folder does not hold, the bytes the generator would write from the settings.
 */
export interface AssociationFiles {
  apple: Buffer | undefined;
  android: Buffer | undefined;
  /** Names of the files made from the settings at start because the folder had none. */
  generated: string[];
}

const APP_ID = /^[A-Z0-9]{10}\.[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;
const ANDROID_PACKAGE = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$/;
const HANDLE_ALL_URLS = 'delegate_permission/common.handle_all_urls';

// Development and demo values, used only when no app is configured outside production, so the checked-in
// files in .well-known/ match a service started with no settings at all.
export const DEMO_APPS = {
  iosAppIds: ['ABCDE12345.com.example.linkwright'],
  androidPackage: 'com.example.linkwright',
  androidCertSha256: ['3B:4F:1C:2A:9D:E0:71:56:C8:0B:AF:64:12:D7:93:E5:20:6C:B1:4A:F8:37:D9:05:6E:A2:C3:18:7B:90:4D:E6'],
};

/** True when the text is an iOS app id with its team prefix (`ABCDE12345.com.example.app`). */
export function isAppleAppId(value: string): boolean {
  return APP_ID.test(value);
}

/** True when the text is a SHA-256 certificate fingerprint: 32 upper-case hex bytes joined by colons. */
export function isCertFingerprint(value: string): boolean {
  return FINGERPRINT.test(value);
}

/**
 * Reads APP_IOS_APP_IDS, APP_ANDROID_PACKAGE and APP_ANDROID_CERT_SHA256, one problem line per mistake.
 * `returnUrl` is the company's redirect URL: its path is covered only when it lives on our origin.
 */
export function readAssociationSettings(read: EnvReader, production: boolean, publicUrl: string, returnUrl: string): AssociationSettings {
  let iosAppIds = read.list('APP_IOS_APP_IDS');
  let androidPackage = read.string('APP_ANDROID_PACKAGE');
  let androidCertSha256 = read.list('APP_ANDROID_CERT_SHA256');
  const anySet = iosAppIds.length > 0 || androidPackage !== undefined || androidCertSha256.length > 0;
  if (!anySet && !production) ({ iosAppIds, androidPackage, androidCertSha256 } = { ...DEMO_APPS, iosAppIds: [...DEMO_APPS.iosAppIds] });

  for (const id of iosAppIds) {
    if (!isAppleAppId(id)) read.problem(`APP_IOS_APP_IDS entry must be TEAMID.bundle.id (a 10-character upper-case team prefix, a dot, the bundle id), got "${id}"`);
  }
  if (androidPackage !== undefined && !ANDROID_PACKAGE.test(androidPackage)) {
    read.problem(`APP_ANDROID_PACKAGE must be a Java-style package name such as com.example.app, got "${androidPackage}"`);
  }
  for (const fingerprint of androidCertSha256) {
    if (!isCertFingerprint(fingerprint)) {
      read.problem(`APP_ANDROID_CERT_SHA256 entry must be 32 colon-separated upper-case hex bytes (as keytool prints SHA256), got "${fingerprint}"`);
    }
  }
  if (androidPackage !== undefined && androidCertSha256.length === 0) read.problem('APP_ANDROID_CERT_SHA256 is required with APP_ANDROID_PACKAGE (the release signing certificate fingerprint)');
  if (androidPackage === undefined && androidCertSha256.length > 0) read.problem('APP_ANDROID_PACKAGE is required with APP_ANDROID_CERT_SHA256');

  const paths: string[] = [];
  try {
    const target = new URL(returnUrl);
    if (target.origin === new URL(publicUrl).origin) paths.push(target.pathname);
  } catch {
    // The caller reports a malformed redirect URL; nothing to cover then.
  }
  paths.push(AUTHORIZE_PATH);
  return { iosAppIds, androidPackage, androidCertSha256, paths: [...new Set(paths)] };
}

/** The apple-app-site-association document in the modern `components` form, covering exactly the link paths. */
export function buildAppleAppSiteAssociation(settings: AssociationSettings): object {
  return {
    applinks: {
      details: [
        {
          appIDs: settings.iosAppIds,
          components: settings.paths.map((path) => ({ '/': path, comment: commentFor(path) })),
        },
      ],
    },
  };
}

/** The Digital Asset Links statement list letting the Android app handle our link URLs. */
export function buildAssetLinks(settings: AssociationSettings): object[] {
  if (!settings.androidPackage) return [];
  return [
    {
      relation: [HANDLE_ALL_URLS],
      target: { namespace: 'android_app', package_name: settings.androidPackage, sha256_cert_fingerprints: settings.androidCertSha256 },
    },
  ];
}

/** The file text exactly as the generator writes it. */
export function renderJsonFile(document: object): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The project's `.well-known/` directory: found from this module upward, so it works from sources and from dist/. */
export function defaultWellKnownDir(): string {
  let dir = __dirname;
  for (let depth = 0; depth < 4; depth += 1) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, '.well-known');
    dir = dirname(dir);
  }
  return resolve(process.cwd(), '.well-known');
}

/**
 * Reads and checks the files the configured apps need; every problem becomes one line through `problem`.
 * A file is served only for a platform that is configured. A file the folder does not have is made from
 * the settings, byte for byte what `app-links:files` would write (a release image carries no
 * `.well-known/`, and the settings alone decide the content); a file that is there but wrong still
 * stops the start, since someone put it there on purpose.
 */
export function loadAssociationFiles(dir: string, settings: AssociationSettings, problem: (line: string) => void): AssociationFiles {
  const files: AssociationFiles = { apple: undefined, android: undefined, generated: [] };
  const load = (name: string, build: () => object, check: (document: unknown) => string[]): Buffer | undefined => {
    const path = join(dir, name);
    if (!existsSync(path)) {
      files.generated.push(name);
      return Buffer.from(renderJsonFile(build()));
    }
    const bytes = readFile(path, problem);
    const parsed = bytes && parseJson(bytes, path, problem);
    if (!bytes || parsed === undefined) return undefined;
    const found = check(parsed);
    found.forEach((line) => problem(`${path}: ${line}`));
    return found.length === 0 ? bytes : undefined;
  };
  if (settings.iosAppIds.length > 0) {
    files.apple = load(APPLE_FILE, () => buildAppleAppSiteAssociation(settings), (document) => checkAppleFile(document, settings));
  }
  if (settings.androidPackage !== undefined) {
    files.android = load(ANDROID_FILE, () => buildAssetLinks(settings), (document) => checkAssetLinks(document, settings));
  }
  return files;
}

const REGENERATE = 'regenerate it with `npm run app-links:files` (compiled: `node dist/app-links/generate-association-files.js`), or delete it to serve what the settings generate';

/** Problems with an apple-app-site-association document, for the configured apps and paths. */
export function checkAppleFile(document: unknown, settings: AssociationSettings): string[] {
  const problems: string[] = [];
  const details = (document as { applinks?: { details?: unknown } } | null)?.applinks?.details;
  if (!isObject(document) || !Array.isArray(details)) return ['is not an apple-app-site-association document (applinks.details must be a list)'];
  const covered = new Map<string, Set<string>>();
  for (const [index, detail] of details.entries()) {
    if (!isObject(detail)) {
      problems.push(`applinks.details[${index}] is not an object`);
      continue;
    }
    if ('appID' in detail || 'paths' in detail) {
      problems.push(`applinks.details[${index}] uses the legacy appID/paths form; use appIDs and components (${REGENERATE})`);
      continue;
    }
    const ids = detail.appIDs;
    const components = detail.components;
    if (!Array.isArray(ids) || ids.length === 0 || !ids.every((id) => typeof id === 'string')) {
      problems.push(`applinks.details[${index}].appIDs must be a non-empty list of app ids`);
      continue;
    }
    for (const id of ids as string[]) {
      if (!isAppleAppId(id)) problems.push(`app id "${id}" has no team prefix (TEAMID.bundle.id, the team id being 10 upper-case letters or digits)`);
    }
    if (!Array.isArray(components) || components.length === 0) {
      problems.push(`applinks.details[${index}].components must be a non-empty list`);
      continue;
    }
    const paths = new Set<string>();
    for (const component of components) {
      if (!isObject(component) || typeof component['/'] !== 'string') {
        problems.push(`applinks.details[${index}].components holds an entry without a "/" path`);
        continue;
      }
      if (component.exclude === true) continue;
      const path = component['/'];
      // Only our link paths may open the app: a wildcard or another path would send the OAuth pages
      // (or anything else here) into the app instead of the browser.
      if (!settings.paths.includes(path) && path !== RETURN_PATH && path !== AUTHORIZE_PATH) {
        problems.push(`covers the path "${path}", which no link uses (only ${settings.paths.join(', ')} may open the app)`);
      }
      paths.add(path);
    }
    for (const id of ids as string[]) covered.set(id, new Set([...(covered.get(id) ?? []), ...paths]));
  }
  for (const id of settings.iosAppIds) {
    const paths = covered.get(id);
    if (!paths) {
      problems.push(`does not list the app ${id} from APP_IOS_APP_IDS (${REGENERATE})`);
      continue;
    }
    const missing = settings.paths.filter((path) => !paths.has(path));
    if (missing.length > 0) problems.push(`does not cover ${missing.join(', ')} for ${id} (${REGENERATE})`);
  }
  return problems;
}

/** Problems with an assetlinks.json document, for the configured package and fingerprints. */
export function checkAssetLinks(document: unknown, settings: AssociationSettings): string[] {
  if (!Array.isArray(document)) return ['is not a Digital Asset Links statement list (a JSON array)'];
  const problems: string[] = [];
  const granted = new Set<string>();
  for (const [index, statement] of document.entries()) {
    const relation = isObject(statement) ? statement.relation : undefined;
    const target = isObject(statement) ? statement.target : undefined;
    if (!Array.isArray(relation) || !relation.every((r) => typeof r === 'string') || !isObject(target) || typeof target.namespace !== 'string') {
      problems.push(`statement ${index} needs a relation list and a target with a namespace`);
      continue;
    }
    if (target.namespace !== 'android_app') continue;
    const fingerprints = target.sha256_cert_fingerprints;
    if (typeof target.package_name !== 'string' || !Array.isArray(fingerprints) || fingerprints.length === 0) {
      problems.push(`statement ${index} needs package_name and a non-empty sha256_cert_fingerprints list`);
      continue;
    }
    for (const fingerprint of fingerprints) {
      if (typeof fingerprint !== 'string' || !isCertFingerprint(fingerprint)) {
        problems.push(`fingerprint "${String(fingerprint)}" is not 32 colon-separated upper-case hex bytes`);
      }
    }
    if (target.package_name === settings.androidPackage && relation.includes(HANDLE_ALL_URLS)) {
      fingerprints.forEach((fingerprint) => granted.add(String(fingerprint)));
    }
  }
  const missing = settings.androidCertSha256.filter((fingerprint) => !granted.has(fingerprint));
  if (granted.size === 0) problems.push(`grants ${HANDLE_ALL_URLS} to no statement for ${settings.androidPackage ?? '?'} (${REGENERATE})`);
  else if (missing.length > 0) problems.push(`lacks the fingerprint(s) ${missing.join(', ')} from APP_ANDROID_CERT_SHA256 (${REGENERATE})`);
  return problems;
}

function commentFor(path: string): string {
  return path === AUTHORIZE_PATH ? 'Account linking started from the Alexa app' : 'Return from Alexa consent (linking started from this app)';
}

function readFile(path: string, problem: (line: string) => void): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    problem(`${path}: cannot read the association file (${(error as NodeJS.ErrnoException).code ?? 'error'}); ${REGENERATE}`);
    return undefined;
  }
}

function parseJson(bytes: Buffer, path: string, problem: (line: string) => void): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    problem(`${path}: is not valid JSON (${(error as Error).message})`);
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
