import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { loadSettings } from '../../server/config/settings';
import { createLogger } from '../../server/log';
import { type RunningService, startService } from '../../server/runtime';
import { MemoryStore } from '../../server/store/memory';
import { type AmazonSimulator, type CustomerConfig, startAmazonSimulator, type TestCertificateChain } from '../../simulator';
import { freePort } from '../../simulator/ports';
import type { DemoClock } from './clock';

/** The OAuth client Alexa links as, and the vendor id its redirect URLs carry. */
export const DEMO_CLIENT_ID = 'alexa-skill';
export const DEMO_VENDOR_ID = 'M2DEMOVENDOR';
export const SKILL_NAME = 'Ride Hailer';
/** The OAuth client the Alexa+ add-on links as (story 5). */
export const DEMO_ADDON_CLIENT_ID = 'alexa-plus';

/**
 * The secrets the demo runs with: taken from the environment under the service's own setting names
 * when set (so a test can check that none of them is ever printed), generated otherwise.
 */
export interface DemoSecrets {
  oauthClientSecret: string;
  lwaClientSecret: string;
  /** The password of every rider account the demo creates. */
  password: string;
  encryptionKey: string;
  /** The Alexa+ add-on's OAuth client secret (story 5). */
  addonClientSecret: string;
}

/** Reads the demo's secrets from `env` (OAUTH_CLIENT_SECRET, LWA_CLIENT_SECRET, DEMO_PASSWORD, APP_LINKS_ENCRYPTION_KEY, ALEXA_PLUS_CLIENT_SECRET). */
export function demoSecrets(env: NodeJS.ProcessEnv): DemoSecrets {
  return {
    oauthClientSecret: env.OAUTH_CLIENT_SECRET ?? randomBytes(24).toString('base64url'),
    lwaClientSecret: env.LWA_CLIENT_SECRET ?? `amzn1.oa2-cs.v1.${randomBytes(24).toString('hex')}`,
    password: env.DEMO_PASSWORD ?? randomBytes(12).toString('base64url'),
    encryptionKey: env.APP_LINKS_ENCRYPTION_KEY ?? randomBytes(32).toString('base64'),
    addonClientSecret: env.ALEXA_PLUS_CLIENT_SECRET ?? randomBytes(24).toString('base64url'),
  };
}

/** One line the service logged (JSON), as the demo shows it: the event name and the line itself. */
export interface ServiceLogLine {
  event: string;
  fields: Record<string, unknown>;
}

/** Collects the service's log lines; the demo prints the event names of each step. */
export class ServiceLogTap {
  private readonly lines: ServiceLogLine[] = [];
  private read = 0;

  /** The stream given to the service's logger. */
  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
          try {
            const fields = JSON.parse(text) as Record<string, unknown>;
            if (typeof fields.event === 'string') this.lines.push({ event: fields.event, fields });
          } catch {
            // Not a JSON line: nothing the demo shows.
          }
        }
        done();
      },
    });
  }

  /** The lines logged since the last call. */
  takeNew(): ServiceLogLine[] {
    const fresh = this.lines.slice(this.read);
    this.read = this.lines.length;
    return fresh;
  }

  /** Every line so far with this event name. */
  events(event: string): ServiceLogLine[] {
    return this.lines.filter((line) => line.event === event);
  }
}

/** A simulated Amazon and the real service pointed at each other on loopback. */
export interface DemoWorld {
  amazon: AmazonSimulator;
  service: RunningService;
  log: ServiceLogTap;
  close(): Promise<void>;
}

export interface WorldOptions {
  clock: DemoClock;
  certificate: TestCertificateChain;
  secrets: DemoSecrets;
  customers: CustomerConfig[];
  /**
   * 'service': the skill's account linking uses the service's OAuth server (web and app-to-app
   * linking); 'lwa': it uses Login with Amazon, which Alexa's voice-forward linking requires.
   */
  accountLinking: 'service' | 'lwa';
}

/**
 * Starts the simulator, then the service (in-memory store, no Redis needed) with the settings the
 * simulator hands out, and tells the simulator where the service is. The service's port is taken
 * first so its app-to-app return URL can be registered with Login with Amazon up front.
 */
export async function startDemoWorld(options: WorldOptions): Promise<DemoWorld> {
  const { clock, secrets } = options;
  const port = await freePort();
  const publicUrl = `http://127.0.0.1:${port}`;
  const lwaLinking = options.accountLinking === 'lwa';
  const amazon = await startAmazonSimulator({
    clock,
    certificate: options.certificate,
    accountLinking: options.accountLinking,
    service: lwaLinking
      ? { vendorId: DEMO_VENDOR_ID, name: SKILL_NAME }
      : { clientId: DEMO_CLIENT_ID, clientSecret: secrets.oauthClientSecret, vendorId: DEMO_VENDOR_ID, name: SKILL_NAME, scheme: 'HTTP_BASIC' },
    lwaClient: { secret: secrets.lwaClientSecret, redirectUris: [`${publicUrl}/app-links/return`] },
    users: options.customers,
    // The linking world also registers the Alexa+ add-on (story 5) with the same service and users.
    ...(lwaLinking ? {} : { addon: { clientId: DEMO_ADDON_CLIENT_ID, clientSecret: secrets.addonClientSecret, name: SKILL_NAME } }),
  });
  const log = new ServiceLogTap();
  let service: RunningService;
  try {
    const settings = loadSettings({
      ...amazon.env,
      NODE_ENV: 'development',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: publicUrl,
      LOG_LEVEL: 'info',
      OAUTH_CLIENT_ID: DEMO_CLIENT_ID,
      OAUTH_CLIENT_SECRET: secrets.oauthClientSecret,
      DEMO_ACCOUNT: 'false',
      APP_LINKS_ENCRYPTION_KEY: secrets.encryptionKey,
      APP_LINKS_RETRY_BASE_MS: '0',
      ...(lwaLinking ? { SKILL_LINKING_PROVIDER: 'lwa' } : {}),
    });
    service = await startService(settings, { log: createLogger('info', log.stream()), store: new MemoryStore(clock), clock });
  } catch (error) {
    await amazon.close();
    throw error;
  }
  amazon.connectService(lwaLinking ? { skillEndpoint: `${service.url}/alexa` } : { url: service.url });
  return {
    amazon,
    service,
    log,
    close: async () => {
      await amazon.close();
      await service.close();
    },
  };
}

