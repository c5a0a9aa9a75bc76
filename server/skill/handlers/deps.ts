import type { HandlerInput } from 'ask-sdk-core';
import type { LinkingKit } from '../../../kit/ask-sdk';
import type { Logger } from '../../log';
import type { Profiles } from '../profiles';
import { promptsFor, type PromptSet } from '../prompts';
import type { Named } from '../prompts/types';
import type { RideCatalogue } from '../rides';
import { ssmlText } from '../speech';

/** What the skill's handlers work with, built once per service. */
export interface SkillDeps {
  skillName: string;
  voiceForward: boolean;
  linkAtLaunch: boolean;
  /** Linking comes from the public kit (linkwright/ask-sdk), as in any company's skill. */
  kit: LinkingKit;
  profiles: Profiles;
  rides: RideCatalogue;
  /** Used when a request carries no request-scoped logger (never in the HTTP path). */
  log: Logger;
}

/** The per-invocation context the endpoint passes to skill.invoke. */
export interface InvocationContext {
  log: Logger;
  /** Set by the skill's error handler when it answered with the apology (read by the endpoint's metrics). */
  apologised?: boolean;
}

/** One turn of the conversation: the prompts in the request's locale, the skill's name, the request log. */
export interface Turn {
  prompts: PromptSet;
  named: Named;
  log: Logger;
  /** Plain prompt text(s) → SSML-safe speech, joined by a space. */
  say(...texts: string[]): string;
}

/** The turn for a handler input. */
export function turnOf(input: HandlerInput, deps: SkillDeps): Turn {
  const context = input.context as InvocationContext | undefined;
  return {
    prompts: promptsFor(input.requestEnvelope.request.locale),
    named: { skill: deps.skillName },
    log: context?.log ?? deps.log,
    say: (...texts) => ssmlText(texts.join(' ')),
  };
}

/** Session attributes the skill keeps between turns. */
export interface SessionState {
  /** A yes/no question is open: "link" (link now?) or "order" (order the ride now?). */
  offer?: 'link' | 'order';
  /** The destination of a ride waiting for the user's yes. */
  destination?: string;
}

/** Reads the skill's session attributes. */
export function sessionState(input: HandlerInput): SessionState {
  // Requests outside a session (skill events, or an envelope without one) have no attributes to read.
  if (input.requestEnvelope.session === undefined) return {};
  return input.attributesManager.getSessionAttributes() as SessionState;
}

/** Replaces the skill's session attributes. */
export function setSessionState(input: HandlerInput, state: SessionState): void {
  if (input.requestEnvelope.session === undefined) return;
  input.attributesManager.setSessionAttributes({ ...state });
}

/** True when the request is an IntentRequest for one of the named intents. */
export function isIntent(input: HandlerInput, ...names: string[]): boolean {
  const request = input.requestEnvelope.request;
  return request.type === 'IntentRequest' && names.includes(request.intent.name);
}

/** A slot's spoken value, trimmed, or undefined when the slot is empty. */
export function slotValue(input: HandlerInput, name: string): string | undefined {
  const request = input.requestEnvelope.request;
  if (request.type !== 'IntentRequest') return undefined;
  const value = request.intent.slots?.[name]?.value;
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 100) : undefined;
}
