import type { ErrorHandler, HandlerInput, RequestHandler, RequestInterceptor } from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import {
  createLinkingCore,
  readResume,
  type LinkAccountResponseOptions,
  type LinkedUser,
  type LinkingCoreOptions,
  type LinkPrompts,
  type ResumeResult,
  type TokenResolver,
  type UserLookup,
} from '../linking';
import { type KitLogger, silentLogger } from '../shared/log';

export type { LinkAccountResponseOptions } from '../linking';

/** Options of {@link createLinkingKit}. */
export interface LinkingKitOptions extends LinkingCoreOptions {
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
  const core = createLinkingCore(options, typeof options.log === 'object' ? options.log : undefined);
  const intentName = options.linkAccountIntent ?? 'LinkAccountIntent';
  const logOf = (input: HandlerInput): KitLogger => (typeof options.log === 'function' ? options.log(input) : (options.log ?? silentLogger));
  const say = (input: HandlerInput, sentence: keyof LinkPrompts) => core.say(input.requestEnvelope.request.locale, sentence);

  function lookUp(input: HandlerInput): Promise<UserLookup> {
    const attributes = input.attributesManager.getRequestAttributes();
    const known = attributes[LOOKUP] as Promise<UserLookup> | undefined;
    if (known !== undefined) return known;
    const lookup = core.lookUp(input.requestEnvelope, logOf(input));
    // Started early by the interceptor, awaited only when a handler asks: a failure surfaces there.
    lookup.catch(() => undefined);
    attributes[LOOKUP] = lookup;
    return lookup;
  }

  async function linkedUser(input: HandlerInput): Promise<LinkedUser | undefined> {
    return (await lookUp(input)).user;
  }

  const linkAccountResponse = (input: HandlerInput, answer: LinkAccountResponseOptions = {}): Response => core.linkAnswer(input.requestEnvelope, answer);
  const spoken = (input: HandlerInput, sentence: keyof LinkPrompts, reprompt: boolean): Response => core.spoken(input.requestEnvelope.request.locale, sentence, reprompt);

  const skillEvents: RequestHandler = {
    canHandle: (input) => input.requestEnvelope.request.type.startsWith('AlexaSkillEvent.'),
    async handle(input) {
      await core.handleEvent(input.requestEnvelope, logOf(input));
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
      return own ?? core.resumeAnswer(input.requestEnvelope, result);
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
    resolver: core.resolver,
  };
}
