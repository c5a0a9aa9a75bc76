import type { ErrorHandler, HandlerInput, RequestHandler, RequestInterceptor } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import {
  buildLinkAnswer,
  createProviderResolver,
  handleSkillEvent,
  issuerRevocation,
  type IssuerClient,
  LinkPromptBook,
  MemoryLinkStore,
  readResume,
  resolveLinkedUser,
  speak,
  ssmlSpeech,
  tokensOf,
  tokenToUse,
  type LinkedUser,
  type LinkPrompts,
  type LinkStore,
  type PromptOverrides,
  type ProviderOptions,
  type ResolveOptions,
  type ResumeResult,
  type TokenResolver,
  type UserLookup,
} from '../linking';
import { type KitLogger, silentLogger } from '../shared/log';

/** Options of {@link createLinkingKit}. */
export interface LinkingKitOptions extends ProviderOptions, ResolveOptions {
  /** The skill's spoken name, filled into every prompt. */
  skillName: string;
  /**
   * Bring your own resolver (token → user) instead of `issuer`/`lwa`/`oidc`: for example an in-process
   * verifier when the skill runs inside Linkwright, or a cache in front of a remote one.
   */
  resolver?: TokenResolver;
  /**
   * Offer voice-forward linking (Connections.StartConnection to AMAZON.AskForAccountLinking). Amazon
   * offers it only to skills whose account-linking provider is Login with Amazon: default true with `lwa`.
   */
  voiceForward?: boolean;
  /** Any sentence, per locale (`de-DE`) or per language (`de`). */
  prompts?: PromptOverrides;
  /** Where (Alexa account, person) → user mappings live (default: this process's memory, bounded). */
  links?: LinkStore;
  /** Revokes the issuer's grants for a user when the skill is disabled (answers how many it revoked). */
  revoke?: (userId: string) => Promise<number | void>;
  /**
   * With `issuer`: the OAuth client Alexa links with (Linkwright's OAUTH_CLIENT_ID and secret). Tokens
   * of other clients (a companion app's) are then "not linked", and a SkillDisabled event's tokens are
   * revoked at Linkwright (RFC 7009), grant and refresh tokens included.
   */
  client?: IssuerClient;
  /** The intent `requestHandlers` answers with the link answer (default `LinkAccountIntent`; false: none). */
  linkAccountIntent?: string | false;
  /**
   * Answers a SessionResumedRequest after voice-forward linking yourself (carry on with what the user
   * wanted); return undefined for the kit's answer: LINKED → "now linked", DENIED → "stays unlinked",
   * anything else → the LinkAccount card.
   */
  onResume?: (input: HandlerInput, result: ResumeResult) => Response | undefined | Promise<Response | undefined>;
  /** Also answer SessionResumedRequests whose token is not the kit's (a skill that starts no other connections). */
  handleForeignResumes?: boolean;
  /** A logger, or one per request (e.g. from the request's context). Default: silent. */
  log?: KitLogger | ((input: HandlerInput) => KitLogger);
}

/** What to say with a link answer, and what to carry through voice-forward linking. */
export interface LinkAccountResponseOptions {
  /** `needed` (default): something the user asked for needs the account; `requested`: the user asked to link. */
  reason?: 'needed' | 'requested';
  /** Your own sentences (plain text) instead of the kit's prompts. */
  speech?: { card?: string; voiceForward?: string };
  /** Small JSON handed back in the SessionResumedRequest (`onResume`'s `result.state`). */
  state?: unknown;
  /** Answer with the card even when voice-forward linking is on. */
  cardOnly?: boolean;
}

/** The kit for an ask-sdk-core 2.x skill. */
export interface LinkingKit {
  /** Starts resolving the request's linked user (once per request); add with `addRequestInterceptors`. */
  requestInterceptor: RequestInterceptor;
  /**
   * Handlers to spread into `addRequestHandlers(...)`, before your catch-alls: skill events (AccountLinked,
   * SkillDisabled), SessionResumedRequest after voice-forward linking, and the LinkAccount intent.
   */
  requestHandlers: RequestHandler[];
  /** A spoken apology in the request's locale for any failure (add with `addErrorHandlers`, optional). */
  errorHandler: ErrorHandler;
  /** The request's linked user, or undefined when not linked (resolved once per request). Throws when the provider is down. */
  linkedUser(input: HandlerInput): Promise<LinkedUser | undefined>;
  /** The answer when an intent needs a linked account: voice-forward linking, or the LinkAccount card. */
  linkAccountResponse(input: HandlerInput, options?: LinkAccountResponseOptions): Response;
  /** The kit's sentences for the request's locale (with your overrides), the skill's name filled in. */
  say(input: HandlerInput, sentence: keyof LinkPrompts): string;
  /** The resolver in use (token → user). */
  readonly resolver: TokenResolver;
}

const LOOKUP = 'linkwright.linkedUser';

/**
 * Adds account linking to an ask-sdk-core skill: the linked user on every request (a recognized speaker's
 * own link first), the link answer in all 17 Alexa locales, voice-forward linking and its resume outcomes,
 * and AccountLinked / SkillDisabled events.
 */
export function createLinkingKit(options: LinkingKitOptions): LinkingKit {
  if (typeof options.skillName !== 'string' || options.skillName.trim() === '') throw new TypeError('createLinkingKit: skillName is required');
  const resolver = options.resolver ?? createProviderResolver(options, typeof options.log === 'object' ? options.log : undefined, options.client?.id);
  const links = options.links ?? new MemoryLinkStore();
  const book = new LinkPromptBook(options.prompts);
  const voiceForward = options.voiceForward ?? (options.lwa !== undefined && options.lwa !== false);
  const named = { skill: options.skillName };
  const intentName = options.linkAccountIntent ?? 'LinkAccountIntent';
  const revokeTokens = options.issuer !== undefined && options.client !== undefined ? issuerRevocation(options.issuer, options.client, options.timeoutMs ?? 2000) : undefined;
  const logOf = (input: HandlerInput): KitLogger => (typeof options.log === 'function' ? options.log(input) : (options.log ?? silentLogger));
  const say = (input: HandlerInput, sentence: keyof LinkPrompts) => speak(book.for(input.requestEnvelope.request.locale)[sentence], named);

  function lookUp(input: HandlerInput): Promise<UserLookup> {
    const attributes = input.attributesManager.getRequestAttributes();
    const known = attributes[LOOKUP] as Promise<UserLookup> | undefined;
    if (known !== undefined) return known;
    const log = logOf(input);
    const lookup = resolveLinkedUser(input.requestEnvelope, resolver, options).then(async (found) => {
      if (found.user === undefined) {
        if (found.tokenPresent) log.info({ event: 'skill.token_not_linked', provider: resolver.provider, reason: found.reason }, 'access token not usable; treating the user as not linked');
        return found;
      }
      try {
        await links.remember(found.user.alexaUserId, found.user.level === 'person' ? found.user.personId : undefined, found.user.userId, found.user.grantId);
      } catch (error) {
        log.warn({ event: 'skill.user_link_write_failed', reason: (error as Error).message }, 'could not record the Alexa user mapping');
      }
      return found;
    });
    // Started early by the interceptor, awaited only when a handler asks: a failure surfaces there.
    lookup.catch(() => undefined);
    attributes[LOOKUP] = lookup;
    return lookup;
  }

  async function linkedUser(input: HandlerInput): Promise<LinkedUser | undefined> {
    return (await lookUp(input)).user;
  }

  function linkAccountResponse(input: HandlerInput, answer: LinkAccountResponseOptions = {}): Response {
    const tokenPresent = tokenToUse(tokensOf(input.requestEnvelope), options).token !== undefined;
    const cardSentence = answer.reason === 'requested' ? 'linkCardRequested' : 'linkNeeded';
    return buildLinkAnswer({
      voiceForward: voiceForward && answer.cardOnly !== true,
      tokenPresent,
      cardSpeech: answer.speech?.card ?? say(input, cardSentence),
      voiceForwardSpeech: answer.speech?.voiceForward ?? say(input, 'linkIntro'),
      state: answer.state ?? {},
    });
  }

  const spoken = (input: HandlerInput, sentence: keyof LinkPrompts, reprompt: boolean): Response => ({
    outputSpeech: ssmlSpeech(say(input, sentence)),
    ...(reprompt ? { reprompt: { outputSpeech: ssmlSpeech(say(input, 'reprompt')) }, shouldEndSession: false } : { shouldEndSession: true }),
  });

  const skillEvents: RequestHandler = {
    canHandle: (input) => input.requestEnvelope.request.type.startsWith('AlexaSkillEvent.'),
    async handle(input) {
      await handleSkillEvent(input.requestEnvelope, { resolver, links, revoke: options.revoke, revokeTokens, log: logOf(input) });
      return input.responseBuilder.getResponse();
    },
  };

  const sessionResumed: RequestHandler = {
    canHandle: (input) => {
      const result = readResume(input.requestEnvelope);
      return result !== undefined && (result.ours || options.handleForeignResumes === true);
    },
    async handle(input) {
      const result = readResume(input.requestEnvelope) as ResumeResult;
      logOf(input).info(
        { event: 'skill.voice_link_result', causeType: result.causeType, statusCode: result.statusCode, outcome: result.resultStatus, ours: result.ours },
        'voice-forward account linking finished',
      );
      const own = await options.onResume?.(input, result);
      if (own !== undefined) return own;
      if (result.outcome === 'LINKED') return spoken(input, 'linked', true);
      if (result.outcome === 'DENIED') return spoken(input, 'linkDeclined', true);
      return linkAccountResponse(input, { reason: 'requested', cardOnly: true });
    },
  };

  const linkAccount: RequestHandler = {
    canHandle: (input) => {
      const request = input.requestEnvelope.request;
      return intentName !== false && request.type === 'IntentRequest' && request.intent.name === intentName;
    },
    async handle(input) {
      if ((await linkedUser(input)) !== undefined) return spoken(input, 'alreadyLinked', true);
      return linkAccountResponse(input, { reason: 'requested' });
    },
  };

  return {
    requestInterceptor: {
      process(input) {
        void lookUp(input);
      },
    },
    requestHandlers: intentName === false ? [skillEvents, sessionResumed] : [skillEvents, sessionResumed, linkAccount],
    errorHandler: {
      canHandle: () => true,
      handle(input, error) {
        logOf(input).error({ event: 'skill.failed', requestType: input.requestEnvelope.request.type, errorName: error.name, reason: error.message }, 'skill request failed; apologised');
        return spoken(input, 'apology', false);
      },
    },
    linkedUser,
    linkAccountResponse,
    say,
    resolver,
  };
}
