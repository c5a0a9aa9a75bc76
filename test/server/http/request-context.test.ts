import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../../support/settings';

describe('request ids in the log', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => service?.close());

  it('stamps every line logged while serving a request, including lines from domain modules', async () => {
    const { token } = await service.services.refreshTokens.issue({ userId: 'user-1', clientId: TEST_CLIENT_ID, scope: 'profile' });
    const response = await fetch(`${service.url}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'support-ticket-4711' },
      body: new URLSearchParams({ token, client_id: TEST_CLIENT_ID, client_secret: TEST_CLIENT_SECRET }).toString(),
    });
    expect(response.status).to.equal(200);
    expect(response.headers.get('x-request-id')).to.equal('support-ticket-4711');
    // The family is revoked by the refresh-token module, which logs through the service's own logger.
    const revoked = service.logs.events('refresh.family_revoked');
    expect(revoked).to.have.length(1);
    expect(revoked[0]?.reqId).to.equal('support-ticket-4711');
    const summary = service.logs.events('http.request').find((line) => line.path === '/oauth/revoke');
    expect(summary?.reqId).to.equal('support-ticket-4711');
    expect(service.logs.raw.every((line) => (line.match(/"reqId"/g) ?? []).length <= 1)).to.equal(true);
  });

  it('makes up an id when the caller sends none or a malformed one, and keeps requests apart', async () => {
    const [first, second] = await Promise.all([
      fetch(`${service.url}/healthz`),
      fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } }),
    ]);
    const ids = [first.headers.get('x-request-id'), second.headers.get('x-request-id')];
    for (const id of ids) expect(id).to.match(/^[0-9a-f-]{36}$/);
    expect(ids[0]).to.not.equal(ids[1]);
    const logged = service.logs.events('http.request').filter((line) => line.path === '/healthz').map((line) => line.reqId);
    expect(logged).to.include.members(ids as string[]);
  });
});
