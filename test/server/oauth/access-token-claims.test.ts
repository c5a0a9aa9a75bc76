import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { startTestService, type TestService } from '../../support/service';
import { createRider, obtainCode, postToken, redeem, USERNAME } from './flow-helpers';

describe('access token claims (ACCESS_TOKEN_CLAIMS)', () => {
  const services: TestService[] = [];
  after(async () => Promise.all(services.map((service) => service.close())));

  async function tokensFrom(env: Record<string, string>): Promise<{ first: jwt.JwtPayload; refreshed: jwt.JwtPayload; userId: string }> {
    const service = await startTestService({ env });
    services.push(service);
    const userId = await createRider(service);
    const { code, redirectUri } = await obtainCode(service);
    const body = await redeem(service, code, redirectUri);
    const refreshed = await postToken(service, { grant_type: 'refresh_token', refresh_token: body.refresh_token as string });
    expect(refreshed.status, refreshed.text).to.equal(200);
    return { first: jwt.decode(body.access_token as string) as jwt.JwtPayload, refreshed: jwt.decode(refreshed.body.access_token as string) as jwt.JwtPayload, userId };
  }

  it('carries sub (the account id) and no profile claims by default', async () => {
    const { first, refreshed, userId } = await tokensFrom({});
    for (const claims of [first, refreshed]) {
      expect(claims.sub).to.equal(userId);
      expect(claims).to.not.have.any.keys('preferred_username', 'email', 'name');
    }
  });

  it('adds the configured profile claims, on code exchange and on every refresh', async () => {
    const { first, refreshed, userId } = await tokensFrom({ ACCESS_TOKEN_CLAIMS: 'username,email,name' });
    for (const claims of [first, refreshed]) {
      expect(claims).to.include({ sub: userId, preferred_username: USERNAME, email: USERNAME, name: 'Test Rider' });
    }
  });

  it('adds only the ones asked for', async () => {
    const { first, refreshed } = await tokensFrom({ ACCESS_TOKEN_CLAIMS: 'name' });
    for (const claims of [first, refreshed]) {
      expect(claims.name).to.equal('Test Rider');
      expect(claims).to.not.have.any.keys('preferred_username', 'email');
    }
  });
});
