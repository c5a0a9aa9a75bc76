import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { EnvReader } from './env';

/** The name end users would see when no brand is configured; production refuses to show it. */
export const DEFAULT_BRAND_NAME = 'Linkwright';

/** Image types a logo file may have, with the type it is served as. */
const LOGO_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
};

/** A logo or stylesheet read from disk at start, served by us (so the CSP's `'self'` covers it). */
export interface BrandFile {
  path: string;
  contentType: string;
  content: Buffer;
}

/** How the end-user pages carry the company's brand (BRAND_* settings). */
export interface BrandSettings {
  /** Shown on every page and in every title. */
  name: string;
  /** An https logo (its origin is added to the CSP's img-src), or undefined. */
  logoUrl: string | undefined;
  /** A logo file served from our origin; wins over logoUrl. */
  logoFile: BrandFile | undefined;
  /** `#rrggbb`, lower case; buttons and the card's top edge. */
  color: string | undefined;
  /** A company stylesheet served after ours. */
  stylesheetFile: BrandFile | undefined;
  termsUrl: string | undefined;
  privacyUrl: string | undefined;
  supportUrl: string | undefined;
  passwordResetUrl: string | undefined;
  signupUrl: string | undefined;
}

/** At most this much is read from a logo or stylesheet file: pages link them on every view. */
const MAX_FILE_BYTES = 512 * 1024;

/**
 * Reads the BRAND_* settings. BRAND_NAME falls back to SERVICE_NAME (its older name); production
 * refuses the default name, which would tell the company's users about a product they never chose.
 */
export function parseBrandSettings(read: EnvReader, production: boolean): BrandSettings {
  const name = read.string('BRAND_NAME') ?? read.string('SERVICE_NAME') ?? DEFAULT_BRAND_NAME;
  if (production && name === DEFAULT_BRAND_NAME) {
    read.problem(`BRAND_NAME is required in production: the sign-in pages would show "${DEFAULT_BRAND_NAME}" to your users`);
  }
  const link = (setting: string): string | undefined => {
    const url = read.url(setting);
    if (url !== undefined && production && !url.startsWith('https://')) read.problem(`${setting} must be https in production, got "${url}"`);
    return url;
  };
  const logoUrl = link('BRAND_LOGO_URL');
  const logoPath = read.string('BRAND_LOGO_FILE');
  let logoFile: BrandFile | undefined;
  if (logoPath !== undefined) {
    const contentType = LOGO_TYPES[extname(logoPath).toLowerCase()];
    if (!contentType) read.problem(`BRAND_LOGO_FILE must be one of ${Object.keys(LOGO_TYPES).join(' ')}, got "${logoPath}"`);
    else logoFile = readBrandFile(read, 'BRAND_LOGO_FILE', logoPath, contentType);
  }
  const stylesheetPath = read.string('BRAND_STYLESHEET_FILE');
  const stylesheetFile = stylesheetPath === undefined ? undefined : readBrandFile(read, 'BRAND_STYLESHEET_FILE', stylesheetPath, 'text/css; charset=utf-8');

  const rawColor = read.string('BRAND_COLOR');
  let color: string | undefined;
  if (rawColor !== undefined) {
    const match = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(rawColor);
    if (!match?.[1]) read.problem(`BRAND_COLOR must be a hex colour such as #0a5fb4, got "${rawColor}"`);
    else color = `#${expandHex(match[1].toLowerCase())}`;
  }
  return {
    name,
    logoUrl,
    logoFile,
    color,
    stylesheetFile,
    termsUrl: link('BRAND_TERMS_URL'),
    privacyUrl: link('BRAND_PRIVACY_URL'),
    supportUrl: link('BRAND_SUPPORT_URL'),
    passwordResetUrl: link('BRAND_PASSWORD_RESET_URL'),
    signupUrl: link('BRAND_SIGNUP_URL'),
  };
}

function readBrandFile(read: EnvReader, setting: string, path: string, contentType: string): BrandFile | undefined {
  try {
    const content = readFileSync(path);
    if (content.length > MAX_FILE_BYTES) {
      read.problem(`${setting}: ${path} is ${content.length} bytes; at most ${MAX_FILE_BYTES} are served`);
      return undefined;
    }
    return { path, contentType, content };
  } catch (error) {
    read.problem(`${setting}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

function expandHex(hex: string): string {
  return hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
}
