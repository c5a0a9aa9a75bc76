import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import { BENCH_SKILL_ID } from './constants';

/**
 * A LaunchRequest envelope as Alexa sends it (ask-sdk-model's RequestEnvelope shape), with the
 * account-linking token in both places Alexa puts it. The timestamp is now, so build it right
 * before a measured run: a verifier accepts 150 s of skew.
 */
/** The Alexa user id of the bench's envelopes for a user suffix. */
export function benchAlexaUserId(userSuffix: string): string {
  return `amzn1.ask.account.BENCH${userSuffix}`;
}

export function launchRequestBody(accessToken: string | undefined, userSuffix: string): string {
  const applicationId = BENCH_SKILL_ID;
  const userId = benchAlexaUserId(userSuffix);
  const user = accessToken === undefined ? { userId } : { userId, accessToken };
  const envelope = {
    version: '1.0',
    session: { new: true, sessionId: `amzn1.echo-api.session.${randomUUID()}`, application: { applicationId }, user, attributes: {} },
    context: {
      System: {
        application: { applicationId },
        user,
        device: { deviceId: `amzn1.ask.device.BENCH${userSuffix}`, supportedInterfaces: {} },
        apiEndpoint: 'https://api.amazonalexa.com',
        apiAccessToken: 'bench-api-access-token',
      },
    },
    request: {
      type: 'LaunchRequest',
      requestId: `amzn1.echo-api.request.${randomUUID()}`,
      timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      locale: 'en-US',
      shouldLinkResultBeReturned: false,
    },
  };
  return JSON.stringify(envelope);
}

/** The headers Alexa adds to a signed request: RSA-SHA256 over the exact body bytes, and the chain's URL. */
export function signatureHeaders(body: string, leafKeyPem: string, certUrl: string): Record<string, string> {
  const signature = sign('sha256', Buffer.from(body, 'utf8'), createPrivateKey(leafKeyPem)).toString('base64');
  return { 'signature-256': signature, signaturecertchainurl: certUrl };
}
