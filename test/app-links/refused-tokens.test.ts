import { expect } from 'chai';
import { DirectoryIds, OurTokenVerifier } from '../../app-links/users/our-tokens';
import type { AccessTokenClaims } from '../../server/oauth/access-tokens';
import { ServiceError } from '../../server/errors';
import { startTestService, type TestService } from '../support/service';

describe('app-links: refused user tokens cost no more than accepted ones', () => {
  let service: TestService;
  let verifications: string[];
  let verifier: OurTokenVerifier;
  before(async () => {
    service = await startTestService();
  });
  beforeEach(() => {
    verifications = [];
    const { accessTokens, revocations, accounts, clients } = service.services;
    const counting = Object.create(accessTokens) as typeof accessTokens;
    counting.verify = (token: string): AccessTokenClaims => {
      verifications.push(token);
      return accessTokens.verify(token);
    };
    verifier = new OurTokenVerifier(counting, revocations, accounts, clients, new DirectoryIds('ours', (id) => accounts.findByName(id)));
  });
  after(async () => service?.close());

  async function refusal(token: string): Promise<string> {
    try {
      await verifier.verify(token, () => undefined);
    } catch (error) {
      expect(error).to.be.instanceOf(ServiceError);
      expect((error as ServiceError).code).to.equal('invalid_token');
      return (error as ServiceError).reason;
    }
    throw new Error('the token was accepted');
  }

  it('checks a forged token once and answers its later uses from the refused cache', async () => {
    const account = await service.services.accounts.create({ username: 'app-user@example.com', password: 'correct horse battery', displayName: 'App User' });
    const { token } = service.services.accessTokens.sign({ userId: account.id, clientId: 'companion-app', scope: 'profile', familyId: 'f1' });
    const forged = `${token.slice(0, -3)}${token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    const first = await refusal(forged);
    expect(await refusal(forged)).to.equal(first);
    expect(verifications).to.deep.equal([forged]);
  });

  it('refuses a token that is not JWT-shaped without a signature check', async () => {
    expect(await refusal('Atza|not-ours')).to.equal('not a JWT');
    expect(await refusal(`${'a'.repeat(5000)}.b.c`)).to.match(/longer than 4096/);
    expect(verifications).to.deep.equal([]);
  });
});
