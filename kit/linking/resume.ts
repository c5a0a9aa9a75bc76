import type { RequestEnvelope } from 'ask-sdk-model';
import { decodeConnectionToken } from './connection-token';

/**
 * How voice-forward linking ended, from the SessionResumedRequest: `LINKED`, `DENIED`,
 * `USER_REQUIREMENTS_NOT_MET` (no voice profile, say), or `FAILED` (not ours, a non-200 status, another
 * cause, a result the kit does not know). Only LINKED and DENIED get their own answer; everything else
 * falls back to the LinkAccount card, never to an error.
 */
export type ResumeOutcome = 'LINKED' | 'DENIED' | 'USER_REQUIREMENTS_NOT_MET' | 'FAILED';

/** A SessionResumedRequest, read. */
export interface ResumeResult {
  /** How linking ended, as the skill should answer it. */
  outcome: ResumeOutcome;
  /** True when the connection token is one of ours (the session was handed over by this kit). */
  ours: boolean;
  /** The state the skill put on the link answer, when the token is ours. */
  state: unknown;
  /** What Alexa reported, for the log. */
  statusCode: string;
  /** The cause's `type` Alexa reported (`ConnectionCompleted` when the task ran), for the log. */
  causeType: string | undefined;
  /** The task's `result.status` (`LINKED`, `DENIED`, `USER_REQUIREMENTS_NOT_MET`…), for the log. */
  resultStatus: string | undefined;
}

/** Reads a SessionResumedRequest without trusting its shape; undefined for any other request type. */
export function readResume(envelope: RequestEnvelope): ResumeResult | undefined {
  const request = envelope.request as { type?: unknown; cause?: unknown };
  if (request.type !== 'SessionResumedRequest') return undefined;
  const cause = (typeof request.cause === 'object' && request.cause !== null ? request.cause : {}) as { type?: unknown; token?: unknown; status?: { code?: unknown }; result?: unknown };
  const state = decodeConnectionToken(cause.token);
  const rawCode = typeof cause.status === 'object' && cause.status !== null ? cause.status.code : undefined;
  const statusCode = typeof rawCode === 'string' ? rawCode : String(rawCode ?? '');
  const result = typeof cause.result === 'object' && cause.result !== null ? (cause.result as { status?: unknown }).status : undefined;
  const resultStatus = typeof result === 'string' ? result : undefined;
  const causeType = typeof cause.type === 'string' ? cause.type : undefined;
  const ours = state !== undefined;
  let outcome: ResumeOutcome = 'FAILED';
  if (ours && causeType === 'ConnectionCompleted' && statusCode === '200') {
    if (resultStatus === 'LINKED' || resultStatus === 'DENIED' || resultStatus === 'USER_REQUIREMENTS_NOT_MET') outcome = resultStatus;
  }
  return { outcome, ours, state, statusCode, causeType, resultStatus };
}
