import axe from 'axe-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** The two widths every page is checked at: a small phone and a desktop. */
export const WIDTHS = [360, 1280] as const;

/**
 * A browser context for accessibility checks. The pages' CSP forbids injected scripts, which is right
 * for users; bypassCSP lets axe-core in, and only in these contexts.
 */
export function axeContext(browser: Browser, width: number): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width, height: 800 }, bypassCSP: true, ...(width < 600 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's violations on the page as it stands, one line each (empty when none). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  // A string expression runs in the page; this project's TypeScript has no DOM types.
  const violations = await page.evaluate<AxeViolation[]>('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))');
  return violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * True when nothing on the page is wider than the screen (no sideways scrolling of the page). The
 * layout viewport's clientWidth, not innerWidth: a mobile browser widens innerWidth to fit overflowing content.
 */
export function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth <= document.documentElement.clientWidth');
}
