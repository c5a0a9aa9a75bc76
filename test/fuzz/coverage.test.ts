import { expect } from 'chai';
import { createApp } from '../../server/app';
import { hotRoutes } from '../../server/hot-routes';
import { appLinksEnv } from '../app-links/support';
import { PLUS_ENV } from '../kit/mcp/support';
import { OPS_ENV } from '../server/ops/helpers';
import { startOidcProvider, type TestOidcProvider, upstreamLoginEnv } from '../support/oidc-provider';
import { freePort } from '../support/ports';
import { startTestService, type TestService } from '../support/service';
import { brandAssetsEnv, FUZZED_ENDPOINTS } from './endpoints';

/** What router 2 (express 5) keeps of a layer; its own types do not describe the stack. */
interface StackLayer {
  /** The path given to `use` or the route (an array when several were). */
  rawPath?: string | RegExp | Array<string | RegExp>;
  /** True for `use` without a path (or with '/'): the layer adds nothing to the path. */
  slash?: boolean;
  name?: string;
  route?: { path: string | RegExp | Array<string | RegExp>; methods: Record<string, boolean | undefined> };
  handle?: { stack?: StackLayer[] };
}

/** One route the service serves: a method (`ALL` for router.all) and a path. */
interface Served {
  method: string;
  path: string;
}

function paths(path: string | RegExp | Array<string | RegExp> | undefined): string[] {
  if (path === undefined) return [''];
  return (Array.isArray(path) ? path : [path]).map(String);
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}${path === '/' ? '' : path}`;
  return joined === '' ? '/' : joined;
}

/** Every route in an express router stack, sub-routers included (their mount path prefixed). */
function routesOf(stack: readonly StackLayer[], prefix = ''): Served[] {
  const out: Served[] = [];
  for (const layer of stack) {
    if (layer.route) {
      const methods = Object.keys(layer.route.methods).map((method) => (method === '_all' ? 'ALL' : method.toUpperCase()));
      for (const path of paths(layer.route.path)) for (const method of methods) out.push({ method, path: join(prefix, path) });
    } else if (layer.handle?.stack) {
      for (const mount of layer.slash ? [''] : paths(layer.rawPath)) out.push(...routesOf(layer.handle.stack, join(prefix, mount).replace(/\/$/, '')));
    } else if (!layer.slash) {
      // A middleware mounted on a path of its own may answer requests there (express.static would).
      for (const path of paths(layer.rawPath)) out.push({ method: 'USE', path: join(prefix, path) });
    }
  }
  return out;
}

/** What the service serves with a set of settings: the express app's routes and the node:http hot routes. */
function servedBy(service: TestService): Served[] {
  // The same app the running service built from these services (createLinkwright wraps it, which hides the stack).
  const app = createApp(service.services) as unknown as { router: { stack: StackLayer[] } };
  return [...routesOf(app.router.stack), ...hotRoutes(service.services).map((route) => ({ method: route.method, path: route.path }))];
}

/** A fuzzed endpoint's method and path, from its name (`POST /alexa (signed)`). */
const fuzzed: Served[] = FUZZED_ENDPOINTS.map((name) => {
  const [method = '', path = ''] = name.split(' ');
  return { method, path };
});

/**
 * Served routes no fuzz run needs, each with why. Middleware mounted on a path prefix is matched against the
 * fuzzed paths under it (a `USE` entry below is one that has no route of its own to fuzz).
 */
const EXCLUDED: ReadonlyArray<Served & { why: string }> = [
  // noStore only sets Cache-Control on every /app-links answer; each /app-links route under it is fuzzed.
  { method: 'USE', path: '/app-links', why: 'a header-setting middleware in front of the fuzzed /app-links routes' },
];

/**
 * Whether a served route is fuzzed: the same method and path, or for router.all (a 405 for the other methods,
 * or an endpoint that takes several) any fuzzed request to that path, since the fuzz's method fault sends
 * each endpoint's requests with other methods too. Paths with parameters match by their fixed prefix.
 */
function isFuzzed(route: Served): boolean {
  const fixed = route.path.split(/[:*(]/)[0] as string;
  const pathMatches = (path: string): boolean => (fixed === route.path ? path === route.path : path.startsWith(fixed));
  if (route.method === 'ALL') return fuzzed.some((f) => pathMatches(f.path));
  return fuzzed.some((f) => f.method === route.method && pathMatches(f.path));
}

describe('fuzz coverage: every endpoint the service serves has a fuzz run', function () {
  this.timeout(30_000);
  const services: TestService[] = [];
  let provider: TestOidcProvider | undefined;
  let brand: ReturnType<typeof brandAssetsEnv> | undefined;
  const served = new Map<string, Served>();

  before(async () => {
    brand = brandAssetsEnv();
    // Every optional face at once: app-to-app linking, the operator pages and metrics, the Alexa+ add-on,
    // the brand assets and the development callback pages (no vendor id, so no Alexa redirect URIs).
    services.push(await startTestService({ env: { ...appLinksEnv(), ...OPS_ENV, ...PLUS_ENV, ...brand.env, ALEXA_VENDOR_ID: '' } }));
    // The upstream sign-in's routes need a provider to discover; a second service signs users in there.
    const port = await freePort();
    provider = await startOidcProvider({ redirectUri: `http://127.0.0.1:${port}/oauth/upstream/callback` });
    services.push(
      await startTestService({
        env: {
          ...appLinksEnv(),
          PORT: String(port),
          PUBLIC_URL: `http://127.0.0.1:${port}`,
          ...upstreamLoginEnv(provider.issuer),
        },
      }),
    );
    for (const service of services) for (const route of servedBy(service)) served.set(`${route.method} ${route.path}`, route);
  });
  after(async () => {
    for (const service of services) await service.close();
    await provider?.close();
    brand?.remove();
  });

  it('finds the routes of every face (the walk of the router stack reaches the sub-routers)', () => {
    for (const route of ['POST /oauth/token', 'POST /alexa', 'GET /ops/users', 'POST /app-links/complete', 'ALL /mcp', 'GET /oauth/upstream/callback', 'GET /assets/brand-logo', 'GET /oauth/dev/start']) {
      expect([...served.keys()], route).to.include(route);
    }
  });

  it('fuzzes each of them, or names why not', () => {
    const excluded = (route: Served): boolean => EXCLUDED.some((e) => e.method === route.method && e.path === route.path);
    const unfuzzed = [...served.values()].filter((route) => !excluded(route) && !isFuzzed(route)).map((route) => `${route.method} ${route.path}`);
    expect(unfuzzed, 'served but not fuzzed: add a base request to the right test/fuzz/*.test.ts and its name to test/fuzz/endpoints.ts').to.deep.equal([]);
  });

  it('lists no exclusion and no fuzzed endpoint that is not served', () => {
    const servedRoutes = [...served.values()];
    const stale = EXCLUDED.filter((e) => !served.has(`${e.method} ${e.path}`)).map((e) => `${e.method} ${e.path}`);
    expect(stale, 'exclusions of routes no longer served').to.deep.equal([]);
    // 'GET /no/such/path' stands for the not-found answer, the one fuzzed request no route serves.
    const ghosts = fuzzed
      .filter((f) => f.path !== '/no/such/path')
      .filter((f) => !servedRoutes.some((route) => (route.method === f.method || route.method === 'ALL') && route.path === f.path))
      .map((f) => `${f.method} ${f.path}`);
    expect(ghosts, 'fuzzed endpoints the service does not serve').to.deep.equal([]);
  });
});
