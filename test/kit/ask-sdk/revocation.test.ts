import { expect } from 'chai';
import { SkillBuilders, type RequestHandler } from 'ask-sdk-core';
import { createLinkingKit, type LinkingKit } from '../../../kit/ask-sdk';
import { intentRequest } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { linkRider, startSkillService } from '../../server/skill/skill-test-kit';

const INTROSPECTION = { clientId: 'acme-pantry-api', clientSecret: 'pantry-introspection-secret-0123456789' };

function skillWith(kit: LinkingKit) {
  const whoAmI: RequestHandler = {
    canHandle: () => true,
    async handle(input) {
      const user = await kit.linkedUser(input);
      return user === undefined ? kit.linkAccountResponse(input) : input.responseBuilder.speak(`user ${user.userId}`).getResponse();
    },
  };
  return SkillBuilders.custom().addRequestInterceptors(kit.requestInterceptor).addRequestHandlers(...kit.requestHandlers, whoAmI).addErrorHandlers(kit.errorHandler).create();
}

describe('linkwright/ask-sdk: revocation at Linkwright, seen through introspection', () => {
  let service: TestService;
  before(async () => {
    service = await startSkillService({ INTROSPECTION_CLIENT_ID: INTROSPECTION.clientId, INTROSPECTION_CLIENT_SECRET: INTROSPECTION.clientSecret });
  });
  after(async () => service.close());

  it('with introspection, a revoked grant is "not linked" once revocationCheckMs has passed; without it, the token keeps verifying', async () => {
    const issuer = service.services.settings.publicUrl;
    const checked = skillWith(createLinkingKit({ issuer, introspection: INTROSPECTION, revocationCheckMs: 2000, clock: service.clock, skillName: 'Acme Pantry' }));
    const offline = skillWith(createLinkingKit({ issuer, clock: service.clock, skillName: 'Acme Pantry' }));
    const rider = await linkRider(service, 'Sam');
    const envelope = () => intentRequest('ReorderIntent', {}, { clock: service.clock, accessToken: rider.accessToken });
    expect((await checked.invoke(envelope())).response.outputSpeech).to.deep.equal({ type: 'SSML', ssml: `<speak>user ${rider.account.id}</speak>` });
    await service.services.revocations.revokeFamily(rider.familyId, 'user unlinked');
    service.clock.advance(2001);
    expect((await checked.invoke(envelope())).response.card).to.deep.equal({ type: 'LinkAccount' });
    expect((await offline.invoke(envelope())).response.outputSpeech).to.deep.equal({ type: 'SSML', ssml: `<speak>user ${rider.account.id}</speak>` });
  });
});
