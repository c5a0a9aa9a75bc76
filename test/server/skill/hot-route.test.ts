import { expect } from 'chai';
import { opsOf } from '../../../server/ops/ops';
import { SKILL_BODY_LIMIT_BYTES } from '../../../server/skill/hot-route';
import { launchRequest } from '../../support/alexa-requests';
import type { TestService } from '../../support/service';
import { metric } from '../ops/helpers';
import { linkRider, startSkillService } from './skill-test-kit';

const REFUSED = { error: 'invalid_request', error_description: 'The request could not be verified.' };

describe('skill endpoint: POST /alexa served from node:http', () => {
  let service: TestService;
  beforeEach(async () => {
    service = await startSkillService();
  });
  afterEach(async () => service.close());

  async function skillMetric(labels: Record<string, string>): Promise<number> {
    return metric((await opsOf(service.services).metrics.render()).body, 'linkwright_skill_requests_total', labels);
  }

  it('answers a skill request with JSON, the security headers and the request id; logs the request under that id', async () => {
    const rider = await linkRider(service, 'Sam');
    const body = JSON.stringify(launchRequest({ clock: service.clock, accessToken: rider.accessToken }));
    const response = await fetch(`${service.url}/alexa`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-request-id': 'skill-req-1' } });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(response.headers.get('x-request-id')).to.equal('skill-req-1');
    expect(response.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(response.headers.get('cache-control')).to.equal(null);
    const answer = (await response.json()) as { version: string; response: { outputSpeech: { ssml: string } } };
    expect(answer.response.outputSpeech.ssml).to.match(/Welcome back to Ride Hailer, Sam/);
    const envelope = JSON.parse(body) as { request: { requestId: string } };
    expect(service.logs.events('skill.request').at(-1)).to.include({ reqId: 'skill-req-1', alexaRequestId: envelope.request.requestId, type: 'LaunchRequest' });
    expect(service.logs.events('http.request').at(-1)).to.include({ reqId: 'skill-req-1', method: 'POST', path: '/alexa', status: 200 });
    expect(await skillMetric({ type: 'LaunchRequest', outcome: 'ok' })).to.equal(1);
  });

  it('refuses with the generic 400, no-store, the reason in the log and the refusal counted', async () => {
    const response = await fetch(`${service.url}/alexa`, { method: 'POST', body: '{"version":"1.0"}', headers: { 'x-request-id': 'skill-req-2' } });
    expect(response.status).to.equal(400);
    expect(response.headers.get('cache-control')).to.equal('no-store');
    expect(await response.json()).to.deep.equal(REFUSED);
    expect(service.logs.events('skill.request_refused').at(-1)).to.include({ reqId: 'skill-req-2', reason: 'envelope has no well-formed request' });
    expect(await skillMetric({ type: 'unverified', outcome: 'refused' })).to.equal(1);
  });

  it('refuses a body over 256 kB with the same 400, whether its length is declared or streamed', async () => {
    const declared = await fetch(`${service.url}/alexa`, { method: 'POST', body: 'x'.repeat(SKILL_BODY_LIMIT_BYTES + 1) });
    expect(declared.status).to.equal(400);
    expect(await declared.json()).to.deep.equal(REFUSED);
    const chunk = new TextEncoder().encode('y'.repeat(64 * 1024));
    const streamed = await fetch(`${service.url}/alexa`, {
      method: 'POST',
      body: new ReadableStream({
        start(controller) {
          for (let index = 0; index < 5; index += 1) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).to.equal(400);
    expect(await streamed.json()).to.deep.equal(REFUSED);
    const reasons = service.logs.events('skill.request_refused').map((line) => line.reason);
    expect(reasons).to.deep.equal(['body unreadable (entity.too.large)', 'body unreadable (entity.too.large)']);
    expect(await skillMetric({ type: 'unverified', outcome: 'refused' })).to.equal(2);
  });

  it('accepts a body just under the limit as far as reading goes (then refuses it as not Alexa)', async () => {
    const body = JSON.stringify({ padding: 'p'.repeat(SKILL_BODY_LIMIT_BYTES - 20) });
    expect(Buffer.byteLength(body)).to.be.at.most(SKILL_BODY_LIMIT_BYTES);
    const response = await fetch(`${service.url}/alexa`, { method: 'POST', body });
    expect(response.status).to.equal(400);
    expect(service.logs.events('skill.request_refused').at(-1)?.reason).to.equal('envelope has no version');
  });

  it('leaves other methods on /alexa to express: its JSON 404', async () => {
    const response = await fetch(`${service.url}/alexa`);
    expect(response.status).to.equal(404);
    expect(await response.json()).to.deep.equal({ error: 'not_found', error_description: 'No route for GET /alexa.' });
  });
});
