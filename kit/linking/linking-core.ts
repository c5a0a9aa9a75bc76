import type { RequestEnvelope, Response } from 'ask-sdk-model';
import { type KitLogger, silentLogger } from '../shared/log';
import { type IssuerClient, issuerRevocation } from './issuer-revocation';
import { buildLinkAnswer } from './link-answer';
import { resolveLinkedUser, tokensOf, tokenToUse, type ResolveOptions, type UserLookup } from './linked-user';
import { type LinkStore, MemoryLinkStore } from './links';
import { LinkPromptBook, type LinkPrompts, type PromptOverrides, speak } from './prompts';
import { createProviderResolver, type ProviderOptions } from './providers';
import type { ResumeResult } from './resume';
import { handleSkillEvent } from './skill-events';
import { ssmlSpeech } from './ssml';
import type { TokenResolver } from './resolvers/token-resolver';

/** What every adapter (ASK SDK, Jovo) is configured with: where users come from, how the skill speaks. */
export interface LinkingCoreOptions extends ProviderOptions, ResolveOptions {
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

/** The linking behaviour every adapter shares, over plain request envelopes and ASK `Response` objects. */
export interface LinkingCore {
  /** The resolver in use (token → user). */
  readonly resolver: TokenResolver;
  /** True when link answers offer voice-forward linking. */
  readonly voiceForward: boolean;
  /**
   * Resolves the request's user (person first) and records the (Alexa account, person) → user mapping.
   * A token that does not resolve is logged and answered "not linked"; a provider outage throws.
   */
  lookUp(envelope: RequestEnvelope, log?: KitLogger): Promise<UserLookup>;
  /** The link answer for a request: voice-forward linking, or the LinkAccount card. */
  linkAnswer(envelope: RequestEnvelope, options?: LinkAccountResponseOptions): Response;
  /** One of the kit's sentences in the request's locale (with the overrides), the skill's name filled in. */
  say(locale: unknown, sentence: keyof LinkPrompts): string;
  /** A sentence as a whole answer: with the reprompt (session stays open), or ending the session. */
  spoken(locale: unknown, sentence: keyof LinkPrompts, reprompt: boolean): Response;
  /** The kit's answer to a finished voice-forward linking: LINKED, DENIED, else the LinkAccount card. */
  resumeAnswer(envelope: RequestEnvelope, result: ResumeResult): Response;
  /** Handles an AlexaSkillEvent.* request (AccountLinked records, SkillDisabled revokes and forgets). */
  handleEvent(envelope: RequestEnvelope, log?: KitLogger): Promise<void>;
}

/** The locale of a request envelope, unread (the prompt book copes with anything). */
export function localeOf(envelope: RequestEnvelope): unknown {
  const request = (envelope as unknown as { request?: unknown }).request;
  return typeof request === 'object' && request !== null ? (request as { locale?: unknown }).locale : undefined;
}

/**
 * Builds the shared linking behaviour from the options; `who` names the adapter in error messages.
 * Throws a TypeError for unusable options (no skill name, no or several providers).
 */
export function createLinkingCore(options: LinkingCoreOptions, log: KitLogger = silentLogger, who = 'createLinkingKit'): LinkingCore {
  if (typeof options.skillName !== 'string' || options.skillName.trim() === '') throw new TypeError(`${who}: skillName is required`);
  const resolver = options.resolver ?? createProviderResolver(options, log, options.client?.id, who);
  const links: LinkStore = options.links ?? new MemoryLinkStore();
  const book = new LinkPromptBook(options.prompts);
  const voiceForward = options.voiceForward ?? (options.lwa !== undefined && options.lwa !== false);
  const named = { skill: options.skillName };
  const revokeTokens = options.issuer !== undefined && options.client !== undefined ? issuerRevocation(options.issuer, options.client, options.timeoutMs ?? 2000) : undefined;
  const say = (locale: unknown, sentence: keyof LinkPrompts) => speak(book.for(locale)[sentence], named);

  async function lookUp(envelope: RequestEnvelope, requestLog: KitLogger = log): Promise<UserLookup> {
    // The mapping is read while the token is resolved, in the resolver's own round trip (LinkStore.prepare).
    let prepared: unknown;
    const prepare = links.prepare?.bind(links);
    const tokenOptions = prepare
      ? {
          alongside: () => {
            const tokens = tokensOf(envelope);
            prepared = prepare(tokens.alexaUserId, tokenToUse(tokens, options).level === 'person' ? tokens.personId : undefined);
            if (prepared instanceof Promise) prepared.catch(() => undefined); // remember reports it, if it comes to that
          },
        }
      : undefined;
    const found = await resolveLinkedUser(envelope, resolver, options, tokenOptions);
    if (found.user === undefined) {
      if (found.tokenPresent) requestLog.info({ event: 'skill.token_not_linked', provider: resolver.provider, reason: found.reason }, 'access token not usable; treating the user as not linked');
      return found;
    }
    try {
      await links.remember(found.user.alexaUserId, found.user.level === 'person' ? found.user.personId : undefined, found.user.userId, found.user.grantId, prepared);
    } catch (error) {
      requestLog.warn({ event: 'skill.user_link_write_failed', reason: (error as Error).message }, 'could not record the Alexa user mapping');
    }
    return found;
  }

  function linkAnswer(envelope: RequestEnvelope, answer: LinkAccountResponseOptions = {}): Response {
    const locale = localeOf(envelope);
    const tokenPresent = tokenToUse(tokensOf(envelope), options).token !== undefined;
    return buildLinkAnswer({
      voiceForward: voiceForward && answer.cardOnly !== true,
      tokenPresent,
      cardSpeech: answer.speech?.card ?? say(locale, answer.reason === 'requested' ? 'linkCardRequested' : 'linkNeeded'),
      voiceForwardSpeech: answer.speech?.voiceForward ?? say(locale, 'linkIntro'),
      state: answer.state ?? {},
    });
  }

  function spoken(locale: unknown, sentence: keyof LinkPrompts, reprompt: boolean): Response {
    return {
      outputSpeech: ssmlSpeech(say(locale, sentence)),
      ...(reprompt ? { reprompt: { outputSpeech: ssmlSpeech(say(locale, 'reprompt')) }, shouldEndSession: false } : { shouldEndSession: true }),
    };
  }

  function resumeAnswer(envelope: RequestEnvelope, result: ResumeResult): Response {
    const locale = localeOf(envelope);
    if (result.outcome === 'LINKED') return spoken(locale, 'linked', true);
    if (result.outcome === 'DENIED') return spoken(locale, 'linkDeclined', true);
    // Anything else (no voice profile, an error, an outcome Amazon adds later): the card always works.
    return linkAnswer(envelope, { reason: 'requested', cardOnly: true });
  }

  return {
    resolver,
    voiceForward,
    lookUp,
    linkAnswer,
    say,
    spoken,
    resumeAnswer,
    handleEvent: (envelope, requestLog = log) => handleSkillEvent(envelope, { resolver, links, revoke: options.revoke, revokeTokens, log: requestLog }),
  };
}
