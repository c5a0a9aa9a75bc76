import type { RequestEnvelope } from 'ask-sdk-model';
import { type HandleRequest, type Jovo, type OutputTemplate, Plugin, type PluginConfig } from '@jovotech/framework';
import {
  createLinkingCore,
  readResume,
  type LinkAccountResponseOptions,
  type LinkedUser,
  type LinkingCore,
  type LinkingCoreOptions,
  type LinkingLevel,
  type LinkPrompts,
  type ResumeResult,
} from '../linking';
import { type KitLogger, silentLogger } from '../shared/log';
import { toOutputTemplate } from './output';

/** How the plugin found the request's user. */
export type LinkStatus = 'linked' | 'not-linked' | 'unavailable' | 'not-alexa';

/** What the plugin puts on every request as `this.$linkwright`. */
export interface LinkwrightRequestContext {
  /**
   * `linked`: `user` is set; `not-linked`: no usable token at the level that speaks for the request;
   * `unavailable`: the token provider could not be asked (answer with the apology, never the card);
   * `not-alexa`: the request came through another platform.
   */
  readonly status: LinkStatus;
  /** The company's user behind the request, resolved once before the dialogue (undefined when not linked). */
  readonly user: LinkedUser | undefined;
  /** `person` when a recognized speaker's own link named the user, `user` for the Alexa account's link. */
  readonly level: LinkingLevel | undefined;
  /** Why there is no user (for logs), when there is none. */
  readonly reason: string | undefined;
  /**
   * The answer when an intent needs a linked account: voice-forward linking or the LinkAccount card, in
   * the request's locale; while the provider is unavailable, the spoken apology instead.
   */
  linkAccountResponse(options?: LinkAccountResponseOptions): OutputTemplate;
  /** One of the kit's sentences in the request's locale (with your overrides), the skill's name filled in. */
  say(sentence: keyof LinkPrompts): string;
}

/** Options of {@link LinkwrightPlugin}: the linking options of `linkwright/ask-sdk`, Jovo-shaped. */
export interface LinkwrightPluginOptions extends LinkingCoreOptions {
  /** The intent the plugin answers itself with the link answer (default `LinkAccountIntent`; false: route it yourself). */
  linkAccountIntent?: string | false;
  /**
   * Answers a SessionResumedRequest after voice-forward linking yourself (carry on with what the user
   * wanted); return undefined for the plugin's answer: LINKED → "now linked", DENIED → "stays
   * unlinked", anything else → the LinkAccount card.
   */
  onResume?: (jovo: Jovo, result: ResumeResult) => OutputTemplate | OutputTemplate[] | undefined | Promise<OutputTemplate | OutputTemplate[] | undefined>;
  /** Also answer SessionResumedRequests whose token is not the plugin's (an app that starts no other connections). */
  handleForeignResumes?: boolean;
  /** A logger, or one per request (e.g. from the request's context). Default: silent. */
  log?: KitLogger | ((jovo: Jovo) => KitLogger);
}

/** The plugin's configuration as Jovo keeps it (`enabled`, `skipTests` and the options). */
export interface LinkwrightPluginConfig extends PluginConfig, LinkwrightPluginOptions {}

const ALEXA = 'alexa';

function requestOf(envelope: RequestEnvelope): { type?: unknown; locale?: unknown; intent?: { name?: unknown } } {
  const request = (envelope as unknown as { request?: unknown }).request;
  return typeof request === 'object' && request !== null ? (request as { type?: unknown; locale?: unknown; intent?: { name?: unknown } }) : {};
}

/**
 * Account linking for a Jovo v4 app on Alexa: add `new LinkwrightPlugin({ issuer, skillName })` to the
 * app's plugins. Before every dialogue it resolves the linked user (a recognized speaker's own link
 * first) onto `this.$linkwright`, answers AccountLinked/SkillDisabled events, voice-forward linking's
 * SessionResumedRequest and the LinkAccount intent itself, and leaves everything else to your components.
 */
export class LinkwrightPlugin extends Plugin<LinkwrightPluginConfig> {
  /**
   * The shared core and logger, behind functions: Jovo deep-clones every plugin (and its config) for each
   * request, and lodash's clone keeps functions by reference, so every request's copy reaches the one
   * core (its caches, key set and mappings). The instances among the options (resolver, token verifier,
   * link store, accounts, clock, logger) stay out of `config` for the same reason: a per-request deep copy of a
   * Redis client or a logger's streams would be wrong as well as slow.
   */
  private readonly coreOf: () => LinkingCore;
  private readonly logOf: (jovo: Jovo) => KitLogger;

  /** Validates the options and builds the linking core once; throws a TypeError for unusable options. */
  constructor(options: LinkwrightPluginOptions) {
    const { resolver, tokenVerifier, links, accounts, clock, log, ...plain } = options;
    super(plain as LinkwrightPluginConfig);
    const core = createLinkingCore({ ...this.config, resolver, tokenVerifier, links, accounts, clock }, typeof log === 'object' ? log : undefined, 'LinkwrightPlugin');
    this.coreOf = () => core;
    this.logOf = (jovo) => (typeof log === 'function' ? log(jovo) : (log ?? silentLogger));
  }

  /** Jovo's defaults for the plugin (none beyond the linking options given). */
  override getDefaultConfig(): LinkwrightPluginConfig {
    return { skillName: '' };
  }

  /** Hooks the plugin in before the dialogue of each request. */
  override mount(parent: HandleRequest): void {
    parent.middlewareCollection.use('before.dialogue.start', (jovo: Jovo) => this.beforeDialogue(jovo));
  }

  private async beforeDialogue(jovo: Jovo): Promise<void> {
    const core = this.coreOf();
    if (jovo.$platform.id !== ALEXA) {
      jovo.$linkwright = this.context(core, undefined, { status: 'not-alexa', reason: 'not an Alexa request' });
      return;
    }
    const envelope = jovo.$request as unknown as RequestEnvelope;
    const request = requestOf(envelope);
    const log = this.logOf(jovo);
    const type = typeof request.type === 'string' ? request.type : '';

    if (type.startsWith('AlexaSkillEvent.')) {
      jovo.$linkwright = this.context(core, envelope, { status: 'not-linked', reason: 'skill event' });
      try {
        await core.handleEvent(envelope, log);
      } catch (error) {
        // As in linkwright/ask-sdk: the failure is logged and apologised for (Alexa ignores an event's answer).
        log.error({ event: 'skill.event_failed', type, reason: (error as Error).message }, 'skill event could not be handled; apologised');
        return this.answer(jovo, toOutputTemplate(core.spoken(request.locale, 'apology', false)));
      }
      return this.answer(jovo, { listen: false });
    }

    const resume = readResume(envelope);
    if (resume !== undefined && (resume.ours || this.config.handleForeignResumes === true)) {
      jovo.$linkwright = this.context(core, envelope, { status: 'not-linked', reason: 'voice-forward linking finished' });
      log.info(
        { event: 'skill.voice_link_result', causeType: resume.causeType, statusCode: resume.statusCode, outcome: resume.resultStatus, ours: resume.ours },
        'voice-forward account linking finished',
      );
      const own = await this.config.onResume?.(jovo, resume);
      return this.answer(jovo, own ?? toOutputTemplate(core.resumeAnswer(envelope, resume)));
    }

    let context: LinkwrightRequestContext;
    try {
      const found = await core.lookUp(envelope, log);
      context = found.user !== undefined ? this.context(core, envelope, { status: 'linked', user: found.user }) : this.context(core, envelope, { status: 'not-linked', reason: found.reason });
    } catch (error) {
      log.error({ event: 'skill.provider_unavailable', provider: core.resolver.provider, reason: (error as Error).message }, 'token provider unavailable; the link answer apologises');
      context = this.context(core, envelope, { status: 'unavailable', reason: (error as Error).message });
    }
    jovo.$linkwright = context;

    const intentName = this.config.linkAccountIntent ?? 'LinkAccountIntent';
    if (intentName !== false && type === 'IntentRequest' && request.intent?.name === intentName) {
      const locale = request.locale;
      if (context.status === 'linked') return this.answer(jovo, toOutputTemplate(core.spoken(locale, 'alreadyLinked', true)));
      return this.answer(jovo, context.linkAccountResponse({ reason: 'requested' }));
    }
  }

  /** Sends the plugin's own answer and skips the app's routing and handlers for this request. */
  private async answer(jovo: Jovo, output: OutputTemplate | OutputTemplate[]): Promise<void> {
    await jovo.$send(output);
    jovo.$handleRequest.skipMiddlewares('dialogue.router', 'dialogue.logic');
  }

  private context(
    core: LinkingCore,
    envelope: RequestEnvelope | undefined,
    found: { status: LinkStatus; user?: LinkedUser; reason?: string },
  ): LinkwrightRequestContext {
    const locale = envelope === undefined ? undefined : requestOf(envelope).locale;
    return {
      status: found.status,
      user: found.user,
      level: found.user?.level,
      reason: found.reason,
      say: (sentence) => core.say(locale, sentence),
      linkAccountResponse: (options) => {
        if (found.status === 'unavailable') return toOutputTemplate(core.spoken(locale, 'apology', false));
        if (envelope === undefined) return { message: core.say(locale, options?.reason === 'requested' ? 'linkCardRequested' : 'linkNeeded'), listen: false };
        return toOutputTemplate(core.linkAnswer(envelope, options));
      },
    };
  }
}
