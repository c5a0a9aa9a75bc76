import { expect } from 'chai';
import { EnvReader } from '../../../server/config/env';
import { parseSkillSettings } from '../../../server/skill/settings';
import { launchRequest, postToSkill } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { startSkillService } from './skill-test-kit';

describe('skill: SKILL_ENDPOINT_ENABLED turns /alexa off', () => {
  let service: TestService | undefined;
  afterEach(async () => service?.close());

  it('is on by default and refuses a value that is not a boolean', () => {
    expect(parseSkillSettings(new EnvReader({}), false).endpointEnabled).to.equal(true);
    const read = new EnvReader({ SKILL_ENDPOINT_ENABLED: 'sometimes' });
    parseSkillSettings(read, false);
    expect(read.problems.join('\n')).to.match(/SKILL_ENDPOINT_ENABLED/);
  });

  it('with false, POST /alexa is not served (404) while the rest of the service is', async () => {
    service = await startSkillService({ SKILL_ENDPOINT_ENABLED: 'false' });
    const answer = await postToSkill(service.url, launchRequest({ clock: service.clock }));
    expect(answer.status).to.equal(404);
    expect(answer.body.response).to.equal(undefined);
    const metadata = await fetch(`${service.url}/.well-known/oauth-authorization-server`);
    expect(metadata.status).to.equal(200);
    const token = await fetch(`${service.url}/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'grant_type=refresh_token' });
    expect(token.status).to.equal(401);
  });

  it('with the default, POST /alexa answers', async () => {
    service = await startSkillService();
    const answer = await postToSkill(service.url, launchRequest({ clock: service.clock }));
    expect(answer.status).to.equal(200);
  });
});
