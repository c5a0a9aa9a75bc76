import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import type { Clock } from '../../server/clock';
import type { Customer } from '../customers';
import { type EventLog, maskParams } from '../events';
import { SIMULATED_ALEXA_AGENT } from '../host';
import { apiAccessToken, sessionId } from '../ids';
import {
  type ConnectionStatus,
  type EnvelopeContext,
  intentRequest,
  launchRequest,
  sessionEndedRequest,
  sessionResumedRequest,
  type SessionState,
  skillDisabledEvent,
  type VoiceLinkResult,
} from './envelopes';
import type { Enablement, SkillLinks } from './links';
import type { RequestSigner, SignatureMode } from './signing';
import { requireServiceUrl, type SkillConfig } from './skill-config';
import { describeNetworkError } from './token-client';

/** Alexa waits about 8 seconds for a skill's answer. */
export const SKILL_TIMEOUT_MS = 8000;

/** Per-request knobs for tests of the skill endpoint's request checks. */
export interface SendOptions {
  /** How to sign (default 'valid'). */
  signature?: SignatureMode;
  /** Overrides SignatureCertChainUrl. */
  certUrl?: string;
  /** Overrides the request timestamp (ms since the epoch), e.g. to send a stale request. */
  timestamp?: number;
}

/** One request Alexa sent to the skill and what came back. */
export interface VoiceExchange {
  request: RequestEnvelope;
  /** HTTP status; undefined when the skill did not answer. */
  status: number | undefined;
  /** The raw answer body. */
  body: string;
  /** The parsed response envelope, when the answer was JSON. */
  response: ResponseEnvelope | undefined;
  /** What Alexa would say: outputSpeech text, or SSML without tags. */
  speech: string | undefined;
  /** The linked access token the request carried (undefined when not linked). */
  accessToken: string | undefined;
  /** Why there was no answer, when there was none. */
  error: string | undefined;
}

/** What the voice client needs from the rest of the simulator. */
export interface VoiceDeps {
  clock: Clock;
  skill: () => SkillConfig;
  links: SkillLinks;
  signer: RequestSigner;
  events: EventLog;
  /** `https://<first endpoint>` for the customer. */
  apiEndpointFor: (customer: Customer) => string;
  /** The customer's Echo device id (stable per customer). */
  deviceIdFor: (customer: Customer) => string;
  /** Performs voice-forward linking for the customer; true when the account is now linked. */
  voiceForwardLink: (customer: Customer) => Promise<boolean>;
  /** The customer disables the skill (Alexa forgets the link, Amazon revokes its tokens). */
  disable: (customer: Customer) => Enablement | undefined;
}

/**
 * Alexa talking to the skill for one customer: builds realistic request envelopes, attaches the linked
 * access token (refreshed through the service when its expires_in has passed), signs them, and keeps
 * the session going between turns as Alexa does.
 */
export class VoiceClient {
  private session: SessionState | undefined;

  constructor(
    private readonly deps: VoiceDeps,
    private readonly customer: () => Customer,
  ) {}

  /** "Alexa, open <skill>": starts a new session. */
  async launch(options: SendOptions = {}): Promise<VoiceExchange> {
    const { context } = await this.context(options);
    this.session = { sessionId: sessionId(), isNew: true, attributes: {} };
    return this.send(launchRequest(context, this.session), options);
  }

  /** An intent with string slots, in the open session or (as a one-shot) a new one. */
  async intent(name: string, slots: Record<string, string> = {}, options: SendOptions = {}): Promise<VoiceExchange> {
    const { context } = await this.context(options);
    const session = this.continueOrStart();
    return this.send(intentRequest(context, session, name, slots), options);
  }

  /**
   * Resumes the session after the skill's Connections.StartConnection (voice-forward linking) with the
   * outcome the customer reached. LINKED makes Alexa link the account first (possible when the skill's
   * account linking is Login with Amazon), so the request carries the new access token; a task that
   * failed (status other than 200) links nothing, whatever its result says.
   */
  async resumeSession(token: string | undefined, result: VoiceLinkResult | Record<string, unknown>, status: ConnectionStatus = { code: '200', message: 'OK' }, options: SendOptions = {}): Promise<VoiceExchange> {
    const outcome = typeof result === 'string' ? { status: result } : result;
    if (outcome.status === 'LINKED' && status.code === '200') await this.deps.voiceForwardLink(this.customer());
    const { context } = await this.context(options);
    const session = this.continueOrStart();
    return this.send(sessionResumedRequest(context, session, token, status, outcome), options);
  }

  /** Ends the open session (the user said nothing, or asked to stop). */
  async endSession(reason: 'USER_INITIATED' | 'EXCEEDED_MAX_REPROMPTS' | 'ERROR' = 'USER_INITIATED', options: SendOptions = {}): Promise<VoiceExchange> {
    const { context } = await this.context(options);
    const session = this.continueOrStart();
    const exchange = await this.send(sessionEndedRequest(context, session, reason), options);
    this.session = undefined;
    return exchange;
  }

  /**
   * The customer disables the skill in the Alexa app: Alexa forgets the link and Amazon revokes its
   * tokens, then the skill gets AlexaSkillEvent.SkillDisabled (with the token Alexa held, if linked).
   * Undefined when the skill was not enabled or the skill did not subscribe to events.
   */
  async skillDisabled(options: SendOptions = {}): Promise<VoiceExchange | undefined> {
    const customer = this.customer();
    const enablement = this.deps.disable(customer);
    this.session = undefined;
    if (!enablement || !this.deps.skill().skillEvents) return undefined;
    return this.sendSkillDisabled(customer, enablement, options);
  }

  /** Sends the SkillDisabled event for an enablement that was just removed. */
  async sendSkillDisabled(customer: Customer, enablement: Enablement, options: SendOptions = {}): Promise<VoiceExchange> {
    const context = this.contextFor(customer, enablement, enablement.link?.accessToken, options);
    return this.send(skillDisabledEvent(context), options);
  }

  /** Sends a hand-made envelope (signed as options say) to the skill endpoint. */
  async send(request: RequestEnvelope, options: SendOptions = {}): Promise<VoiceExchange> {
    const url = requireServiceUrl(this.deps.skill(), 'skillEndpoint');
    const body = JSON.stringify(request);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': SIMULATED_ALEXA_AGENT,
      ...this.deps.signer.headers(body, options.signature, options.certUrl),
    };
    const accessToken = request.context.System.user.accessToken;
    const label = requestLabel(request);
    const params = maskParams({ request: label, accessToken, signature: options.signature ?? 'valid' });
    const pending = this.deps.events.begin({ from: 'Alexa', to: 'service', method: 'POST', url, params });
    let status: number | undefined;
    let text = '';
    let error: string | undefined;
    try {
      const answer = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(SKILL_TIMEOUT_MS) });
      status = answer.status;
      text = await answer.text();
    } catch (caught) {
      error = describeNetworkError(caught);
    }
    const response = parseResponse(text);
    const speech = speechOf(response);
    this.afterResponse(response);
    pending.finish({
      ...(status === undefined ? {} : { status }),
      note: error ?? (speech !== undefined ? `says: ${speech.length > 120 ? `${speech.slice(0, 120)}…` : speech}` : describeResponse(response)),
    });
    return { request, status, body: text, response, speech, accessToken, error };
  }

  /** The open session, if any. */
  currentSession(): SessionState | undefined {
    return this.session;
  }

  private continueOrStart(): SessionState {
    if (this.session) {
      this.session.isNew = false;
      return this.session;
    }
    this.session = { sessionId: sessionId(), isNew: true, attributes: {} };
    return this.session;
  }

  private afterResponse(response: ResponseEnvelope | undefined): void {
    if (!this.session || !response) return;
    if (response.sessionAttributes) this.session.attributes = response.sessionAttributes as Record<string, unknown>;
    if (response.response?.shouldEndSession === true) this.session = undefined;
  }

  /** Speaking to a skill enables it (as "Alexa, open …" does); the token is refreshed if due. */
  private async context(options: SendOptions): Promise<{ context: EnvelopeContext; enablement: Enablement }> {
    const customer = this.customer();
    const enablement = this.deps.links.get(customer.id) ?? this.deps.links.enable(customer.id, 'development');
    const accessToken = await this.deps.links.accessTokenFor(customer.id);
    return { context: this.contextFor(customer, enablement, accessToken, options), enablement };
  }

  private contextFor(customer: Customer, enablement: Enablement, accessToken: string | undefined, options: SendOptions): EnvelopeContext {
    return {
      skillId: this.deps.skill().skillId,
      userId: enablement.skillUserId,
      deviceId: this.deps.deviceIdFor(customer),
      accessToken,
      apiEndpoint: this.deps.apiEndpointFor(customer),
      apiAccessToken: apiAccessToken(),
      locale: customer.locale,
      timestamp: new Date(options.timestamp ?? this.deps.clock.now()).toISOString(),
    };
  }
}

function requestLabel(request: RequestEnvelope): string {
  const inner = request.request as { type: string; intent?: { name: string }; cause?: { result?: { status?: string } } };
  if (inner.intent) return `${inner.type} ${inner.intent.name}`;
  if (inner.cause?.result?.status) return `${inner.type} ${inner.cause.result.status}`;
  return inner.type;
}

function parseResponse(text: string): ResponseEnvelope | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'response' in value) return value as ResponseEnvelope;
  } catch {
    // Not JSON: the caller sees the raw body.
  }
  return undefined;
}

const XML_ENTITIES: Record<string, string> = { apos: "'", quot: '"', lt: '<', gt: '>', amp: '&' };

/** Plain text of the response's outputSpeech (SSML tags removed, XML entities decoded). */
export function speechOf(response: ResponseEnvelope | undefined): string | undefined {
  const speech = response?.response?.outputSpeech;
  if (!speech) return undefined;
  if (speech.type === 'PlainText') return speech.text;
  const text = speech.ssml.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
  return text.replace(/&(apos|quot|lt|gt|amp);/g, (_match, name: string) => XML_ENTITIES[name] ?? '');
}

function describeResponse(response: ResponseEnvelope | undefined): string {
  if (!response) return 'no response envelope';
  const directives = (response.response?.directives ?? []).map((d) => d.type);
  const card = response.response?.card?.type;
  return [card ? `card ${card}` : undefined, directives.length ? `directives ${directives.join(',')}` : undefined].filter(Boolean).join('; ') || 'empty response';
}
