import { createHash } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { BrandFile, BrandSettings } from '../config/brand';

/** Where the brand's generated stylesheet, logo file and own stylesheet are served (our origin: CSP 'self'). */
export const BRAND_PATHS = {
  stylesheet: '/assets/brand.css',
  logo: '/assets/brand-logo',
  customStylesheet: '/assets/brand-custom.css',
} as const;

/** What a page needs to show the brand. */
export interface BrandView {
  name: string;
  /** The logo's src (our path or the https URL), or undefined for the name alone. */
  logoSrc: string | undefined;
  /** Stylesheets linked after ours, in order: the colour, then the company's own. */
  stylesheets: string[];
  termsUrl: string | undefined;
  privacyUrl: string | undefined;
  supportUrl: string | undefined;
  passwordResetUrl: string | undefined;
  signupUrl: string | undefined;
}

interface Served {
  contentType: string;
  body: Buffer;
  version: string;
}

/**
 * The brand's assets, built once from the settings. The colour becomes a generated stylesheet rather
 * than inline style, which the CSP (style-src 'self') forbids; each asset URL carries a content hash.
 */
export class BrandAssets {
  readonly view: BrandView;
  private readonly served = new Map<string, Served>();

  constructor(brand: BrandSettings) {
    const stylesheets: string[] = [];
    if (brand.color) stylesheets.push(this.add(BRAND_PATHS.stylesheet, 'text/css; charset=utf-8', Buffer.from(colourStylesheet(brand.color))));
    if (brand.stylesheetFile) stylesheets.push(this.addFile(BRAND_PATHS.customStylesheet, brand.stylesheetFile));
    const logoSrc = brand.logoFile ? this.addFile(BRAND_PATHS.logo, brand.logoFile) : brand.logoUrl;
    this.view = {
      name: brand.name,
      logoSrc,
      stylesheets,
      termsUrl: brand.termsUrl,
      privacyUrl: brand.privacyUrl,
      supportUrl: brand.supportUrl,
      passwordResetUrl: brand.passwordResetUrl,
      signupUrl: brand.signupUrl,
    };
  }

  /** Registers GET routes for the assets that exist. */
  mount(router: Router): void {
    for (const [path, asset] of this.served) {
      router.get(path, (req: Request, res: Response) => {
        const etag = `"${asset.version}"`;
        res.setHeader('Cache-Control', 'public, max-age=86400');
        res.setHeader('ETag', etag);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        if (req.get('if-none-match') === etag) {
          res.status(304).end();
          return;
        }
        res.type(asset.contentType).send(asset.body);
      });
    }
  }

  private addFile(path: string, file: BrandFile): string {
    return this.add(path, file.contentType, file.content);
  }

  private add(path: string, contentType: string, body: Buffer): string {
    const version = createHash('sha256').update(body).digest('base64url').slice(0, 10);
    this.served.set(path, { contentType, body, version });
    return `${path}?v=${version}`;
  }
}

/**
 * Buttons and the card's top edge in the brand colour, with black or white text, whichever contrasts
 * more (WCAG relative luminance), so any colour a company picks stays readable. Links keep our own
 * colours, which meet 4.5:1 on both schemes' backgrounds.
 */
export function colourStylesheet(color: string): string {
  const text = contrastRatio(color, '#ffffff') >= contrastRatio(color, '#000000') ? '#ffffff' : '#000000';
  return `:root { --brand: ${color}; --brand-text: ${text}; }
.card { border-top: 0.25rem solid var(--brand); }
button:not(.secondary):not(.link), a.button { background: var(--brand); border-color: var(--brand); color: var(--brand-text); }
`;
}

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r = 0, g = 0, b = 0] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two #rrggbb colours. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const cache = new WeakMap<BrandSettings, BrandAssets>();

/** The assets for a brand, built on first use and shared by every page of the process. */
export function brandAssetsFor(brand: BrandSettings): BrandAssets {
  let assets = cache.get(brand);
  if (!assets) {
    assets = new BrandAssets(brand);
    cache.set(brand, assets);
  }
  return assets;
}
