import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'chai';
import nock from 'nock';
import { APP_LINK_ERRORS } from '../../../app-links/errors';
import { appLinksOpenApi } from '../../../app-links/openapi';
import { registerAppClient } from '../../support/clients';
import { startTestService, type TestService } from '../../support/service';
import { TEST_CLIENT_ID } from '../../support/settings';
import {
  ALEXA_API,
  ALEXA_REDIRECTS,
  callApi,
  ENABLED,
  ENABLEMENT_PATH,
  isolateNetwork,
  LWA,
  mockDiscovery,
  mockEnable,
  mockLwaToken,
  signedInUser,
  startAppLinksService,
  startAttempt,
} from '../../app-links/support';

type Document = ReturnType<typeof appLinksOpenApi> & { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>> };
const DOC_ID = 'https://linkwright.test/app-links/openapi.json';

/** Validates real answers against the document served by the service, and remembers which were checked. */
class DocumentChecker {
  readonly checked = new Set<string>();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(readonly doc: Document) {
    addFormats(this.ajv);
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document is registered whole so "#/components/…" resolves.
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
  }

  /** The validator of one documented response (throws when the status is not documented). */
  validator(path: string, method: string, status: number): ValidateFunction {
    const key = `${method.toUpperCase()} ${path} ${status}`;
    const response = this.doc.paths[path]?.[method.toLowerCase()]?.responses[String(status)];
    if (!response?.content?.['application/json']) throw new Error(`${key} is not documented`);
    let validate = this.validators.get(key);
    if (!validate) {
      const pointer = ['paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema']
        .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
        .join('/');
      validate = this.ajv.compile({ $ref: `${DOC_ID}#/${pointer}` });
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** Asserts that a real answer is documented and matches its schema. */
  expectDocumented(path: string, method: string, answer: { status: number; body: unknown; headers: Headers }): void {
    const key = `${method.toUpperCase()} ${path} ${answer.status}`;
    expect(answer.headers.get('content-type'), key).to.match(/^application\/json/);
    const validate = this.validator(path, method, answer.status);
    const ok = validate(answer.body);
    expect(ok, `${key}: ${JSON.stringify(answer.body)} → ${JSON.stringify(validate.errors)}`).to.equal(true);
    this.checked.add(key);
  }
}

describe('the app-links OpenAPI document', () => {
  isolateNetwork();
  let service: TestService;
  let checker: DocumentChecker;
  before(async () => {
    service = await startAppLinksService();
    const response = await fetch(`${service.url}/app-links/openapi.json`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^application\/json/);
    checker = new DocumentChecker((await response.json()) as Document);
  });
  after(async () => service?.close());

  it('is OpenAPI 3.1 for this deployment, every response schema compiles, and every error code is listed', () => {
    const doc = checker.doc as unknown as { openapi: string; servers: Array<{ url: string }>; components: { schemas: { ErrorCode: { enum: string[] } } } };
    expect(doc.openapi).to.equal('3.1.0');
    expect(doc.servers).to.deep.equal([{ url: service.services.settings.publicUrl }]);
    expect(doc.components.schemas.ErrorCode.enum).to.include.members(Object.keys(APP_LINK_ERRORS));
    let count = 0;
    for (const [path, operations] of Object.entries(checker.doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const status of Object.keys(operation.responses)) {
          expect(checker.validator(path, method, Number(status)), `${method} ${path} ${status}`).to.be.a('function');
          count += 1;
        }
      }
    }
    expect(count).to.be.greaterThan(25);
  });

  it('is the checked-in openapi/app-links.json, so a mobile developer can generate a client without running the service', () => {
    const file = JSON.parse(readFileSync('openapi/app-links.json', 'utf8')) as unknown;
    expect(file, 'regenerate with: npx tsx app-links/openapi.ts > openapi/app-links.json').to.deep.equal(appLinksOpenApi('https://linking.example.com'));
  });

  it('describes the real answers of start, complete, status and unlink, successes and refusals', async () => {
    const { token } = await signedInUser(service);
    const post = (path: string, body?: unknown, bearer: string | undefined = token) => callApi(service, 'POST', path, bearer, body);

    const started = await post('/app-links/start');
    checker.expectDocumented('/app-links/start', 'post', started);
    checker.expectDocumented('/app-links/start', 'post', await post('/app-links/start', undefined, 'not-a-token'));

    // complete: success (Alexa redeems our code during enablement).
    const { state } = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([]);
    mockEnable(ALEXA_API, async (body) => {
      await service.services.grants.exchangeCode(body.accountLinkRequest.authCode, { clientId: TEST_CLIENT_ID, redirectUri: body.accountLinkRequest.redirectUri, codeVerifier: undefined });
      return [201, ENABLED];
    });
    checker.expectDocumented('/app-links/complete', 'post', await post('/app-links/complete', { code: 'ANdNAVhyhqirUelHGEHA', state }));

    // status while linked, then unlink, then status while not linked.
    nock(ALEXA_API).get(ENABLEMENT_PATH).reply(200, ENABLED);
    const linked = await callApi(service, 'GET', '/app-links/status', token);
    expect(linked.body.linked).to.equal(true);
    checker.expectDocumented('/app-links/status', 'get', linked);
    nock(ALEXA_API).delete(ENABLEMENT_PATH).reply(204);
    checker.expectDocumented('/app-links/link', 'delete', await callApi(service, 'DELETE', '/app-links/link', token));
    const unlinked = await callApi(service, 'GET', '/app-links/status', token);
    expect(unlinked.body).to.include({ linked: false, reason: 'not_linked_from_app' });
    checker.expectDocumented('/app-links/status', 'get', unlinked);
    checker.expectDocumented('/app-links/status', 'get', await callApi(service, 'GET', '/app-links/status', undefined));
    checker.expectDocumented('/app-links/link', 'delete', await callApi(service, 'DELETE', '/app-links/link', 'expired.token'));

    // complete: the refusals an app must handle.
    checker.expectDocumented('/app-links/complete', 'post', await post('/app-links/complete', { state: 'x' }));
    checker.expectDocumented('/app-links/complete', 'post', await post('/app-links/complete', { code: 'c', state: 'not-a-state-of-ours' }));
    checker.expectDocumented('/app-links/complete', 'post', await post('/app-links/complete', { code: 'c', state: 's', padding: 'x'.repeat(20_000) }));
    checker.expectDocumented('/app-links/complete', 'post', await callApi(service, 'POST', '/app-links/complete', undefined, { code: 'c', state: 's' }));

    const refusedCode = await startAttempt(service, token);
    mockLwaToken([], 400, { error: 'invalid_grant', error_description: 'The code has expired' });
    const expired = await post('/app-links/complete', { code: 'old', state: refusedCode.state });
    expect(expired.body.error).to.equal('amazon_code_rejected');
    checker.expectDocumented('/app-links/complete', 'post', expired);

    const badClient = await startAttempt(service, token);
    mockLwaToken([], 401, { error: 'invalid_client' });
    const misconfigured = await post('/app-links/complete', { code: 'c', state: badClient.state });
    expect(misconfigured.status).to.equal(502);
    checker.expectDocumented('/app-links/complete', 'post', misconfigured);

    const stage = await startAttempt(service, token);
    mockLwaToken([]);
    mockDiscovery([]);
    mockEnable(ALEXA_API, () => [403, { message: 'Stage not allowed' }]);
    const notAllowed = await post('/app-links/complete', { code: 'c', state: stage.state });
    expect(notAllowed.body.error).to.equal('skill_stage_not_allowed');
    checker.expectDocumented('/app-links/complete', 'post', notAllowed);

    // The backend's service token: a user nobody has, and a token without the app_links scope.
    if (!service.services.clients.find('rides-backend')) {
      service.services.clients.register({ id: 'rides-backend', kind: 'service', secret: 'backend-secret-0123456789abcdefghijk', grantTypes: ['client_credentials'], redirectUris: [], scopes: ['app_links', 'reports'] });
    }
    const backend = service.services.clients.find('rides-backend');
    const serviceToken = (scope: string) => service.services.grants.clientCredentials(backend as NonNullable<typeof backend>, scope).access_token;
    const asBackend = async (scope: string, user: string) => {
      const response = await fetch(`${service.url}/app-links/complete`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serviceToken(scope)}`, 'linkwright-user': user, 'content-type': 'application/json' },
        body: JSON.stringify({ code: 'c', state: 's' }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
    };
    const unknownUser = await asBackend('app_links', 'nobody@example.com');
    expect(unknownUser.body.error).to.equal('user_unknown');
    checker.expectDocumented('/app-links/complete', 'post', unknownUser);
    const noScope = await asBackend('reports', 'nobody@example.com');
    expect(noScope.body.error).to.equal('insufficient_scope');
    checker.expectDocumented('/app-links/complete', 'post', noScope);

    const outage = await startAttempt(service, token);
    nock(LWA).post('/auth/o2/token').times(3).reply(503);
    const unavailable = await post('/app-links/complete', { code: 'c', state: outage.state });
    expect(unavailable.status).to.equal(503);
    checker.expectDocumented('/app-links/complete', 'post', unavailable);

    // start: too many attempts in one window.
    let last = started;
    for (let i = 0; i < 25 && last.status === 200; i += 1) last = await post('/app-links/start');
    expect(last.status).to.equal(429);
    checker.expectDocumented('/app-links/start', 'post', last);
  });

  it('describes the answers to the Alexa app\'s request passed on by the company app', async () => {
    const { token } = await signedInUser(service);
    const request = { response_type: 'code', client_id: TEST_CLIENT_ID, redirect_uri: ALEXA_REDIRECTS[0], scope: 'profile', state: 'alexa-state' };
    const answers = [
      await callApi(service, 'POST', '/app-links/authorize', token, request),
      await callApi(service, 'POST', '/app-links/authorize', token, { ...request, decision: 'deny' }),
      await callApi(service, 'POST', '/app-links/authorize', token, { ...request, scope: 'everything' }),
      await callApi(service, 'POST', '/app-links/authorize', token, { ...request, redirect_uri: 'https://evil.example.com/cb' }),
      await callApi(service, 'POST', '/app-links/authorize', undefined, request),
    ];
    expect(answers.map((a) => a.body.outcome ?? a.body.error)).to.deep.equal(['code', 'denied', 'error', 'invalid_request', 'invalid_token']);
    for (const answer of answers) checker.expectDocumented('/app-links/authorize', 'post', answer);
  });

  it('checked every operation\'s success and bearer refusal, and every refusal status of complete', () => {
    for (const [path, operations] of Object.entries(checker.doc.paths)) {
      for (const method of Object.keys(operations)) {
        for (const status of [200, 401]) expect(checker.checked.has(`${method.toUpperCase()} ${path} ${status}`), `${method} ${path} ${status}`).to.equal(true);
      }
    }
    const complete = Object.keys(checker.doc.paths['/app-links/complete']?.post?.responses ?? {}).filter((status) => status !== '500');
    for (const status of complete) expect(checker.checked.has(`POST /app-links/complete ${status}`), `complete ${status}`).to.equal(true);
  });
});

describe('the app-links OpenAPI document on a service without app-to-app credentials', () => {
  let service: TestService;
  before(async () => {
    service = await startTestService();
  });
  after(async () => service?.close());

  it('describes app_links_not_configured as the 503 it is', async () => {
    const doc = (await (await fetch(`${service.url}/app-links/openapi.json`)).json()) as Document;
    const checker = new DocumentChecker(doc);
    const account = await service.services.accounts.create({ username: 'unconfigured@example.com', password: 'correct horse battery', displayName: 'U' });
    registerAppClient(service.services);
    const { family } = await service.services.refreshTokens.issue({ userId: account.id, clientId: 'company-app', scope: 'profile' });
    const { token } = service.services.accessTokens.sign({ userId: account.id, clientId: 'company-app', scope: 'profile', familyId: family.id });
    const answer = await callApi(service, 'POST', '/app-links/start', token);
    expect(answer.body.error).to.equal('app_links_not_configured');
    checker.expectDocumented('/app-links/start', 'post', answer);
  });
});
