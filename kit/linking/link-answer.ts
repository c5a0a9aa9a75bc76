import type { Response } from 'ask-sdk-model';
import { encodeConnectionToken } from './connection-token';
import { ssmlSpeech } from './ssml';

/** The voice-forward account-linking task Amazon provides (skill connections). */
export const ASK_FOR_ACCOUNT_LINKING_URI = 'connection://AMAZON.AskForAccountLinking/1';

/** What to answer when an account is needed and missing. */
export interface LinkAnswerRequest {
  /** Offer voice-forward linking (Amazon offers it only when the account-linking provider is Login with Amazon). */
  voiceForward: boolean;
  /**
   * True when the request carried a token that did not resolve (expired, revoked, forged): Alexa believes
   * the account is linked, and voice-forward linking is for users without a link, so they get the card.
   */
  tokenPresent: boolean;
  /** Spoken with the LinkAccount card (plain text). */
  cardSpeech: string;
  /** Spoken before Alexa's voice-forward dialog (plain text). */
  voiceForwardSpeech: string;
  /** Carried through voice-forward linking and handed back on resume (small JSON). */
  state?: unknown;
}

/** True when an answer asks the user to link (a LinkAccount card or voice-forward linking). */
export function isLinkAnswer(response: Response): boolean {
  if (response.card?.type === 'LinkAccount') return true;
  return response.directives?.some((d) => d.type === 'Connections.StartConnection' && (d as { uri?: string }).uri === ASK_FOR_ACCOUNT_LINKING_URI) === true;
}

/**
 * The link answer: with voice-forward linking and no token, a short introduction followed by
 * Connections.StartConnection (Alexa runs its own consent dialog, then resumes the session); otherwise
 * the LinkAccount card with its speech, ending the session.
 */
export function buildLinkAnswer(request: LinkAnswerRequest): Response {
  if (!request.voiceForward || request.tokenPresent) {
    return { outputSpeech: ssmlSpeech(request.cardSpeech), card: { type: 'LinkAccount' }, shouldEndSession: true };
  }
  // shouldEndSession stays unset: Alexa hands the session to the linking task and resumes it after.
  return {
    outputSpeech: ssmlSpeech(request.voiceForwardSpeech),
    directives: [
      {
        type: 'Connections.StartConnection',
        uri: ASK_FOR_ACCOUNT_LINKING_URI,
        input: { '@type': 'AskForAccountLinking', '@version': '1' },
        onCompletion: 'RESUME_SESSION',
        token: encodeConnectionToken(request.state ?? {}),
      } as unknown as NonNullable<Response['directives']>[number],
    ],
  };
}
