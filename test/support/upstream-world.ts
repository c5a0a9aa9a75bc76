import { ManualClock } from '../../server/clock';
import { CountingStore } from './counting-store';
import { startOidcProvider, type TestOidcProvider, upstreamLoginEnv } from './oidc-provider';
import { freePort } from './ports';
import type { TestService, TestServiceOptions } from './service';

/** A real OIDC provider on loopback and a service whose accounts sign in there, with the store it counts. */
export interface UpstreamWorld {
  provider: TestOidcProvider;
  service: TestService;
  store: CountingStore;
}

export interface UpstreamWorldOptions {
  idTokenAlg?: 'RS256' | 'HS256';
  /** The issuer the service is configured with (default: the provider's own). */
  issuer?: string;
  /** The provider's name on the sign-in page (upstreamLoginEnv's default otherwise). */
  providerName?: string;
  env?: Record<string, string>;
  withoutPkce?: boolean;
}

/** Starts the provider, then the service (`startService`: the plain test service, or one with app-links) pointed at it. */
export async function startUpstreamWorld(startService: (options: TestServiceOptions) => Promise<TestService>, options: UpstreamWorldOptions = {}): Promise<UpstreamWorld> {
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const provider = await startOidcProvider({ redirectUri: `${publicUrl}/oauth/upstream/callback`, idTokenAlg: options.idTokenAlg ?? 'RS256' });
  provider.behaviour.withoutPkce = options.withoutPkce ?? false;
  const clock = new ManualClock();
  const store = new CountingStore(clock);
  const service = await startService({
    clock,
    store,
    env: { PORT: String(port), PUBLIC_URL: publicUrl, ...upstreamLoginEnv(options.issuer ?? provider.issuer, options.providerName), ...options.env },
  });
  return { provider, service, store };
}

export async function stopUpstreamWorld(world: UpstreamWorld | undefined): Promise<void> {
  await world?.service.close();
  await world?.provider.close();
}
