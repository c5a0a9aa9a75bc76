import { SkillBuilders } from 'ask-sdk-core';
import type { RequestEnvelope } from 'ask-sdk-model';
import { createLinkingKit, type LinkStore, type ResolveTokenOptions, type TokenResolver } from 'linkwright/ask-sdk';

// A company's own link store and resolver, with only what linkwright/ask-sdk exports: the store reads a
// mapping while the resolver asks its own backend (LinkStore.prepare through ResolveTokenOptions.alongside).
const events: string[] = [];
const links: LinkStore = {
  prepare: (alexaUserId) => {
    events.push(`prepare ${alexaUserId}`);
    return Promise.resolve(`row of ${alexaUserId}`);
  },
  remember: async (alexaUserId, _personId, userId, _grantId, prepared) => {
    events.push(`remember ${alexaUserId} ${userId} ${await (prepared as Promise<string> | undefined)}`);
  },
  usersOf: async () => [],
  forget: async () => undefined,
};
const resolver: TokenResolver = {
  provider: 'acme',
  forgetCached: () => undefined,
  async resolve(token: string, options?: ResolveTokenOptions) {
    if (token !== 'good') return { linked: false, reason: 'unknown token' };
    options?.alongside?.();
    events.push('backend asked');
    return { linked: true, user: { userId: 'acme-user-1' } };
  },
};
const kit = createLinkingKit({ skillName: 'Acme Pantry', resolver, links });
const skill = SkillBuilders.custom().addRequestInterceptors(kit.requestInterceptor).addRequestHandlers(...kit.requestHandlers, {
  canHandle: () => true,
  handle: async (input) => input.responseBuilder.speak(String((await kit.linkedUser(input))?.userId)).getResponse(),
}).create();

function launch(accessToken: string): RequestEnvelope {
  const user = { userId: 'amzn1.ask.account.ACME', accessToken };
  const application = { applicationId: 'amzn1.ask.skill.acme' };
  return {
    version: '1.0',
    session: { new: true, sessionId: 'amzn1.echo-api.session.1', application, user },
    context: { System: { application, user, apiEndpoint: 'https://api.amazonalexa.com' } },
    request: { type: 'LaunchRequest', requestId: 'amzn1.echo-api.request.1', timestamp: new Date().toISOString(), locale: 'en-US' },
  } as RequestEnvelope;
}

async function main(): Promise<void> {
  await skill.invoke(launch('good'));
  await skill.invoke(launch('forged'));
  process.stdout.write(JSON.stringify(events));
}
void main();
