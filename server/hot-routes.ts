import type { HotRoute } from './http/hot-routes';
import { tokenHotRoute } from './oauth/token-endpoint';
import { opsOf } from './ops/ops';
import { skillEndpointObserver } from './ops/skill-observer';
import { tokenEndpointObserver } from './ops/token-observer';
import type { Services } from './services';
import { skillHotRoute } from './skill/hot-route';

/** The routes served straight from node:http (see server/http/hot-routes.ts); the rest is express. */
export function hotRoutes(services: Services): HotRoute[] {
  // The diagnostics observe the endpoints from outside: the endpoints import nothing of server/ops/.
  const ops = opsOf(services);
  // SKILL_ENDPOINT_ENABLED=false: no /alexa at all (a POST there reaches express and gets its 404).
  const skill = services.settings.skill.endpointEnabled ? [skillHotRoute(services, skillEndpointObserver(ops))] : [];
  return [...skill, tokenHotRoute(services, tokenEndpointObserver(ops))];
}
