import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Clock, systemClock } from '../server/clock';
import { alexaRedirectUris } from '../server/config/settings';
import { type AlexaApiDeps, mountEndpointDiscovery, mountSkillEnablement } from './alexa/alexa-api';
import { type AddonConfig, AlexaPlus } from './alexa-plus';
import { type Enablement, SkillLinks } from './alexa/links';
import { RequestSigner } from './alexa/signing';
import { resolveSkillConfig, type SkillConfig, type SkillOptions } from './alexa/skill-config';
import { AccountLinkingClient } from './alexa/token-client';
import { VoiceClient } from './alexa/voice';
import { WebLinking } from './alexa/web-linking';
import { APP_CONSENT_PATH, mountAppConsent } from './app-consent';
import { createTestCertificateChain, type TestCertificateChain } from './certificates';
import { type Customer, type CustomerConfig, Customers } from './customers';
import { EventLog } from './events';
import { type HostFailure, type LoopbackHost, startHost } from './host';
import { deviceId, lwaClientId, randomValue } from './ids';
import { ACCOUNT_LINKING_SCOPE, LoginWithAmazon, type LwaClientConfig, withParams } from './lwa/authority';
import { LWA_PATHS, mountLoginWithAmazon } from './lwa/routes';

export const DEFAULT_ENDPOINTS = ['api.amazonalexa.com'];

/** The settings the simulator hands the service (always present), plus the client credentials Alexa uses. */
export type SimulatorEnv = Record<
  | 'LWA_AUTHORIZE_URL'
  | 'LWA_TOKEN_URL'
  | 'LWA_PROFILE_URL'
  | 'ALEXA_APP_LINK_URL'
  | 'ALEXA_API_URL'
  | 'ALEXA_API_HOSTS'
  | 'SKILL_CERT_FETCH_BASE'
  | 'SKILL_TRUSTED_ROOTS_FILE'
  | 'SKILL_ID'
  | 'ALEXA_VENDOR_ID'
  | 'OAUTH_REDIRECT_URIS'
  | 'LWA_CLIENT_ID'
  | 'LWA_CLIENT_SECRET',
  string
> & { OAUTH_CLIENT_ID?: string; OAUTH_CLIENT_SECRET?: string; ALEXA_PLUS_CLIENT_ID?: string; ALEXA_PLUS_CLIENT_SECRET?: string; ALEXA_PLUS_REDIRECT_URIS?: string };

/** Who the skill's account linking points at. */
export type AccountLinkingProvider =
  /** The service's own OAuth server (authorization and token URIs under service.url). */
  | 'service'
  /** The simulator's Login with Amazon (what voice-forward linking requires). */
  | 'lwa';

export interface AmazonSimulatorOptions {
  /** The clock every expiry is measured on; share the service's ManualClock in tests. */
  clock?: Clock;
  /** The skill's console configuration; `url` (the service's base URL) may also come later via connectService. */
  service?: SkillOptions;
  /** Default 'service'. With 'lwa' the skill links through the simulator's Login with Amazon. */
  accountLinking?: AccountLinkingProvider;
  /**
   * The skill's "Alexa Client Id" for app-to-app linking (LWA client with the account-linking scope):
   * its id, secret and the app's redirect URLs ("Your Redirect URLs"). Id and secret are generated
   * when absent.
   */
  lwaClient?: Partial<LwaClientConfig>;
  /** Further LWA applications (e.g. the service's own "Login with Amazon" sign-in). */
  otherLwaClients?: LwaClientConfig[];
  /** Amazon customers; the first is signed in. One default customer when empty. */
  users?: CustomerConfig[];
  /** Hostnames endpoint discovery returns (default api.amazonalexa.com). */
  endpoints?: string[];
  /** Further Alexa API hosts to simulate (so discovery can be switched to them later). */
  extraApiHosts?: string[];
  /** A prebuilt signing chain (building one takes about half a second). */
  certificate?: TestCertificateChain;
  /** Name of the chain file under /echo.api/ (default echo-api-cert-linkwright). */
  certName?: string;
  /** Port of the main Amazon host (0, the default, picks a free one). */
  port?: number;
  /**
   * An Alexa+ MCP add-on registered with the service: its OAuth client (id and secret generated when
   * absent). With it, `env` carries ALEXA_PLUS_CLIENT_ID, _SECRET and _REDIRECT_URIS for the service.
   */
  addon?: Partial<Omit<AddonConfig, 'serviceUrl'>>;
}

/**
 * A local stand-in for Amazon's side of Alexa account linking: Login with Amazon, the Alexa app's
 * consent screen, Alexa's web-linking redirect, the Alexa API (endpoint discovery, Skill Enablement)
 * on one loopback host per regional hostname, the echo-api signing chain, and Alexa itself sending
 * signed skill requests. The service reaches it only through the settings in `env`.
 */
export class AmazonSimulator {
  readonly events: EventLog;
  readonly customers: Customers;
  readonly lwa: LoginWithAmazon;
  readonly links: SkillLinks;
  readonly web: WebLinking;
  readonly signer: RequestSigner;
  readonly tokenClient: AccountLinkingClient;
  /** The skill's Alexa client for app-to-app linking. */
  readonly lwaClient: LwaClientConfig;
  readonly certificate: TestCertificateChain;
  /** Alexa+ calling the service's MCP add-on (Tier 1 and Tier 2), when `addon` was given. */
  readonly alexaPlus: AlexaPlus;

  private skillConfig: SkillConfig;
  private addonConfig: AddonConfig;
  private endpointList: string[];
  private main: LoopbackHost | undefined;
  private readonly apiHosts = new Map<string, LoopbackHost>();
  private readonly voices = new Map<string, VoiceClient>();
  private readonly devices = new Map<string, string>();
  private readonly background = new Set<Promise<unknown>>();
  private rootsDir: string | undefined;
  private rootsFile: string | undefined;

  /** Use startAmazonSimulator(), which also starts the hosts. */
  constructor(
    readonly clock: Clock,
    private readonly options: AmazonSimulatorOptions,
  ) {
    this.events = new EventLog(clock);
    this.customers = new Customers(options.users ?? []);
    this.lwaClient = {
      id: options.lwaClient?.id ?? lwaClientId(),
      secret: options.lwaClient?.secret ?? randomValue(32),
      redirectUris: options.lwaClient?.redirectUris ?? [],
      scopes: options.lwaClient?.scopes ?? [ACCOUNT_LINKING_SCOPE],
    };
    this.lwa = new LoginWithAmazon(clock, this.customers, [this.lwaClient, ...(options.otherLwaClients ?? [])]);
    this.skillConfig = resolveSkillConfig(options.service ?? {});
    this.endpointList = [...(options.endpoints ?? DEFAULT_ENDPOINTS)];
    this.tokenClient = new AccountLinkingClient(() => this.skillConfig, clock, this.events, () => `${this.baseUrl}${LWA_PATHS.token}`);
    this.links = new SkillLinks(clock, this.tokenClient, this.events);
    this.certificate =
      options.certificate ?? createTestCertificateChain({ notBefore: new Date(clock.now() - 86_400_000), notAfter: new Date(clock.now() + 365 * 86_400_000) });
    this.signer = new RequestSigner(this.certificate, options.certName ?? 'echo-api-cert-linkwright');
    this.addonConfig = {
      clientId: options.addon?.clientId ?? 'alexa-plus',
      clientSecret: options.addon?.clientSecret ?? randomValue(32),
      name: options.addon?.name ?? options.service?.name ?? 'the add-on',
      scopes: options.addon?.scopes ?? ['profile'],
      serviceUrl: options.service?.url,
    };
    this.alexaPlus = new AlexaPlus({ config: () => this.addonConfig, customers: this.customers, events: this.events, redirectBase: () => this.mainHost().baseUrl });
    this.web = new WebLinking({
      skill: () => this.skillConfig,
      customers: this.customers,
      links: this.links,
      tokenClient: this.tokenClient,
      redirectBase: () => this.mainHost().baseUrl,
    });
  }

  /** Starts the main host and one host per Alexa API hostname; writes the trusted root to a temp file. */
  async start(): Promise<void> {
    const api = this.apiDeps();
    this.main = await startHost(
      'amazon',
      this.events,
      (app) => {
        mountLoginWithAmazon(app, this.lwa, this.customers);
        mountAppConsent(app, this.lwa, this.customers, () => this.lwaClient.id);
        this.web.mount(app);
        this.alexaPlus.mount(app);
        this.signer.mount(app);
        mountEndpointDiscovery(app, api, DEFAULT_ENDPOINTS[0]);
      },
      this.options.port ?? 0,
    );
    const hostnames = new Set([...this.endpointList, ...(this.options.extraApiHosts ?? []), ...this.customers.all().flatMap((c) => c.endpoints ?? [])]);
    for (const hostname of hostnames) {
      this.apiHosts.set(
        hostname,
        await startHost(hostname, this.events, (app) => {
          mountEndpointDiscovery(app, api);
          mountSkillEnablement(app, api);
        }),
      );
    }
    if (this.options.accountLinking === 'lwa') this.useLoginWithAmazonForLinking();
    this.rootsDir = await mkdtemp(join(tmpdir(), 'linkwright-simulator-'));
    this.rootsFile = join(this.rootsDir, 'alexa-test-root.pem');
    await writeFile(this.rootsFile, this.certificate.rootPem, { mode: 0o600 });
  }

  /** The skill's current console configuration. */
  get skill(): SkillConfig {
    return this.skillConfig;
  }

  /** Base URL of the main Amazon host (LWA, Alexa app, Alexa web, S3, discovery). */
  get baseUrl(): string {
    return this.mainHost().baseUrl;
  }

  /** Alexa API hostname → loopback base URL. */
  get hosts(): Record<string, string> {
    return Object.fromEntries([...this.apiHosts].map(([name, host]) => [name, host.baseUrl]));
  }

  /**
   * The environment the service needs to use this simulator: Amazon URLs and host rewrites, the
   * signing-chain fetch base and trusted root, the skill and vendor ids, the simulator's Alexa
   * redirect URL, the skill's Alexa client (app-to-app) and the OAuth client Alexa authenticates as.
   */
  get env(): SimulatorEnv {
    const base = this.baseUrl;
    const env: SimulatorEnv = {
      LWA_AUTHORIZE_URL: `${base}${LWA_PATHS.authorize}`,
      LWA_TOKEN_URL: `${base}${LWA_PATHS.token}`,
      LWA_PROFILE_URL: `${base}${LWA_PATHS.profile}`,
      ALEXA_APP_LINK_URL: `${base}${APP_CONSENT_PATH}`,
      ALEXA_API_URL: base,
      ALEXA_API_HOSTS: [...this.apiHosts].map(([name, host]) => `${name}=${host.baseUrl}`).join(','),
      SKILL_CERT_FETCH_BASE: base,
      SKILL_TRUSTED_ROOTS_FILE: this.rootsFile ?? '',
      SKILL_ID: this.skillConfig.skillId,
      ALEXA_VENDOR_ID: this.skillConfig.vendorId,
      OAUTH_REDIRECT_URIS: this.web.redirectUri,
      LWA_CLIENT_ID: this.lwaClient.id,
      LWA_CLIENT_SECRET: this.lwaClient.secret,
    };
    if (this.options.addon) {
      env.ALEXA_PLUS_CLIENT_ID = this.addonConfig.clientId;
      env.ALEXA_PLUS_CLIENT_SECRET = this.addonConfig.clientSecret;
      env.ALEXA_PLUS_REDIRECT_URIS = this.alexaPlus.redirectUri;
    }
    if (this.options.accountLinking !== 'lwa') {
      env.OAUTH_CLIENT_ID = this.skillConfig.clientId;
      if (this.skillConfig.clientSecret) env.OAUTH_CLIENT_SECRET = this.skillConfig.clientSecret;
    }
    return env;
  }

  /** Same as `env` (the name the design notes used). */
  get urls(): SimulatorEnv {
    return this.env;
  }

  /** Alexa for the signed-in customer. */
  get alexa(): VoiceClient {
    return this.voice(this.customers.current().id);
  }

  /** Alexa for a given customer (id or name); one session per customer. */
  voice(customer: string): VoiceClient {
    const { id } = this.customers.get(customer);
    let client = this.voices.get(id);
    if (!client) {
      client = new VoiceClient(
        {
          clock: this.clock,
          skill: () => this.skillConfig,
          links: this.links,
          signer: this.signer,
          events: this.events,
          apiEndpointFor: (c) => `https://${this.endpointsFor(c)[0] ?? DEFAULT_ENDPOINTS[0]}`,
          deviceIdFor: (c) => this.deviceIdFor(c),
          voiceForwardLink: (c) => this.voiceForwardLink(c),
          disable: (c) => this.disable(c),
        },
        () => this.customers.get(id),
      );
      this.voices.set(id, client);
    }
    return client;
  }

  /** The Alexa app consent URL for the skill's Alexa client (what the service's app would open). */
  appConsentUrl(params: { redirectUri: string; state: string; codeChallenge?: string; stage?: 'development' | 'live' }): string {
    return withParams(`${this.baseUrl}${APP_CONSENT_PATH}`, {
      fragment: 'skill-account-linking-consent',
      client_id: this.lwaClient.id,
      scope: ACCOUNT_LINKING_SCOPE,
      skill_stage: params.stage ?? 'development',
      response_type: 'code',
      redirect_uri: params.redirectUri,
      state: params.state,
      code_challenge: params.codeChallenge,
      code_challenge_method: params.codeChallenge === undefined ? undefined : 'S256',
    });
  }

  /** Points the skill at the service (its base URL, or explicit URIs) or changes console settings. */
  connectService(options: SkillOptions): void {
    const lwaLinking = this.options.accountLinking === 'lwa';
    // With LWA account linking, the service's URL only moves the skill endpoint.
    const effective = lwaLinking ? { ...options, authorizeUrl: options.authorizeUrl ?? this.skillConfig.authorizeUrl, tokenUrl: options.tokenUrl ?? this.skillConfig.tokenUrl } : options;
    this.skillConfig = resolveSkillConfig(effective, this.skillConfig);
    if (options.url !== undefined) this.addonConfig = { ...this.addonConfig, serviceUrl: options.url.replace(/\/+$/, '') };
  }

  /** Hostnames endpoint discovery returns (for customers without their own list). */
  setEndpoints(hostnames: string[]): void {
    this.endpointList = [...hostnames];
  }

  /** Makes an Alexa API host fail (status, 'reset' or 'hang'); undefined restores it. */
  setHostFailure(hostname: string, failure: HostFailure | undefined): void {
    const host = this.apiHosts.get(hostname) ?? (hostname === 'amazon' ? this.main : undefined);
    if (!host) throw new Error(`the simulator has no host ${hostname}; known: amazon, ${[...this.apiHosts.keys()].join(', ')}`);
    host.setFailure(failure);
  }

  /** Where the skill stands for a customer: enabled, linked, the user id and tokens Alexa holds. */
  linkStatus(customer: string): Enablement | undefined {
    return this.links.get(this.customers.get(customer).id);
  }

  /** Waits for background deliveries (SkillDisabled events after an enablement DELETE). */
  async settled(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Stops every host and removes the temp files. */
  async close(): Promise<void> {
    await this.settled();
    await this.alexaPlus.close();
    await Promise.all([this.main?.close(), ...[...this.apiHosts.values()].map((host) => host.close())]);
    if (this.rootsDir) await rm(this.rootsDir, { recursive: true, force: true });
  }

  private mainHost(): LoopbackHost {
    if (!this.main) throw new Error('the simulator is not started: use startAmazonSimulator()');
    return this.main;
  }

  private endpointsFor(customer: Customer): string[] {
    return customer.endpoints ?? this.endpointList;
  }

  private deviceIdFor(customer: Customer): string {
    let id = this.devices.get(customer.id);
    if (!id) {
      id = deviceId();
      this.devices.set(customer.id, id);
    }
    return id;
  }

  private apiDeps(): AlexaApiDeps {
    return {
      lwa: this.lwa,
      customers: this.customers,
      links: this.links,
      tokenClient: this.tokenClient,
      skill: () => this.skillConfig,
      alexaClientId: () => this.lwaClient.id,
      appRedirectUrls: () => this.lwaClient.redirectUris,
      endpointsFor: (customer) => this.endpointsFor(customer),
      disableSkill: (customer) => this.disableWithEvent(customer),
    };
  }

  /**
   * The effects of a customer disabling the skill, wherever it was done: Alexa forgets the link and
   * Amazon revokes the tokens that allowed it (the Alexa client's, and with LWA linking the skill's).
   */
  private disable(customer: Customer): Enablement | undefined {
    const enablement = this.links.disable(customer.id);
    if (!enablement) return undefined;
    this.lwa.revokeCustomer(customer.id, this.lwaClient.id);
    if (this.options.accountLinking === 'lwa') this.lwa.revokeCustomer(customer.id, this.skillConfig.clientId);
    return enablement;
  }

  /** Disabling through the Skill Enablement API: the same effects, and the event in the background. */
  private disableWithEvent(customer: Customer): Enablement | undefined {
    const enablement = this.disable(customer);
    if (!enablement || !this.skillConfig.skillEvents || !this.skillConfig.skillEndpoint) return enablement;
    // Alexa delivers skill events asynchronously; tests wait for them with settled().
    const delivery = this.voice(customer.id)
      .sendSkillDisabled(customer, enablement)
      .finally(() => this.background.delete(delivery));
    this.background.add(delivery);
    return enablement;
  }

  /** Links the customer through LWA as voice-forward linking does (the customer consented by voice). */
  private async voiceForwardLink(customer: Customer): Promise<boolean> {
    if (this.links.get(customer.id)?.link) return true;
    if (this.options.accountLinking !== 'lwa') {
      this.events.record({ from: 'Alexa', to: 'Alexa', method: 'LINK', url: 'voice-forward', params: {}, note: 'voice-forward linking needs Login with Amazon account linking; no link was made' });
      return false;
    }
    const skill = this.skillConfig;
    const code = this.lwa.issueCode(skill.clientId, this.web.redirectUri, skill.scopes, customer);
    const outcome = await this.tokenClient.redeem(code, this.web.redirectUri);
    if (!outcome.ok) return false;
    this.links.link(customer.id, 'development', outcome.tokens, 'voice');
    return true;
  }

  /** Registers the skill's LWA security profile and points account linking at this Login with Amazon. */
  private useLoginWithAmazonForLinking(): void {
    const requested = this.options.service ?? {};
    const client: LwaClientConfig = {
      id: requested.clientId ?? lwaClientId(),
      secret: requested.clientSecret ?? randomValue(32),
      // Alexa's redirect URLs, as the skill's LWA security profile must allow them.
      redirectUris: [this.web.redirectUri, ...alexaRedirectUris(this.skillConfig.vendorId)],
      scopes: ['profile', 'profile:user_id', 'postal_code'],
    };
    this.lwa.register(client);
    this.skillConfig = resolveSkillConfig(
      {
        clientId: client.id,
        clientSecret: client.secret,
        authorizeUrl: requested.authorizeUrl ?? `${this.baseUrl}${LWA_PATHS.authorize}`,
        tokenUrl: requested.tokenUrl ?? `${this.baseUrl}${LWA_PATHS.token}`,
      },
      this.skillConfig,
    );
  }
}

/** Starts the simulator on loopback ports; `close()` stops it. */
export async function startAmazonSimulator(options: AmazonSimulatorOptions = {}): Promise<AmazonSimulator> {
  const simulator = new AmazonSimulator(options.clock ?? systemClock, options);
  try {
    await simulator.start();
  } catch (error) {
    await simulator.close().catch(() => undefined);
    throw error;
  }
  return simulator;
}

export type { CustomerConfig, HostFailure, LwaClientConfig, SkillConfig, SkillOptions, TestCertificateChain };
export { formatEvent, type SimulatorEvent } from './events';
export type { VoiceExchange, SendOptions } from './alexa/voice';
export type { WebLinkResult, AuthorizeOptions } from './alexa/web-linking';
