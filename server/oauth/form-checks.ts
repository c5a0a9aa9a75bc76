import type { Request, Response } from 'express';
import { safeEqual } from '../crypto-utils';
import type { AuthorizationContext } from './authorization-context';
import type { LoadedInteraction } from './interactions';

/**
 * The checks every authorization form post passes before it may act: the interaction exists, the
 * post comes from the browser that started it (binding cookie) and carries its CSRF token (compared
 * in constant time). Sends the error page and returns undefined when a check fails.
 */
export async function verifiedInteraction(
  ctx: AuthorizationContext,
  req: Request,
  res: Response,
  fields: { interaction?: string | undefined; csrf?: string | undefined },
): Promise<LoadedInteraction | undefined> {
  const loaded = await ctx.interactions.load(fields.interaction);
  if (!loaded) {
    req.log.info({ event: 'interaction.unknown', path: req.path }, 'form posted for an unknown or expired interaction');
    ctx.pages.expired(res);
    return undefined;
  }
  const browserOk = ctx.binding.matches(req, loaded.interaction.browser);
  const csrfOk = fields.csrf !== undefined && safeEqual(fields.csrf, loaded.interaction.csrf);
  if (!browserOk || !csrfOk) {
    req.log.warn({ event: 'interaction.csrf_failed', path: req.path, browser: browserOk, csrf: csrfOk }, 'form post failed the CSRF check');
    ctx.pages.forbidden(res, loaded.interaction.request.uiLocale);
    return undefined;
  }
  return loaded;
}

/** Where a signed-in interaction continues (the consent page, which also shows sign-in when needed). */
export function consentUrl(loaded: LoadedInteraction): string {
  return `/oauth/consent?interaction=${encodeURIComponent(loaded.storedId)}`;
}
