import { expect } from 'chai';
import { opsOf } from '../../../server/ops/ops';
import { MemoryStore } from '../../../server/store/memory';
import type { Store } from '../../../server/store';
import { ManualClock } from '../../../server/clock';
import { ALEXA_REDIRECTS, answerConsent, Browser, createRider, openAuthorize, PASSWORD, pkcePair, postToken, signIn, USERNAME } from '../../server/oauth/flow-helpers';
import { startTestService, type TestService } from '../../support/service';
import { failureOf, mcpClient, payloadOf, PLUS_ENV, plusAuthorizeQuery, plusToken, PLUS_REDIRECT, serviceToken, textOf, userTokens } from './support';

const WRITES = ['set', 'setIfAbsent', 'getAndSet', 'compareAndSet', 'take', 'delete', 'increment', 'addToSet', 'removeFromSet'] as const;

/** A memory store that counts every write, to show what unauthenticated MCP traffic costs. */
function countingStore(clock: ManualClock): { store: Store; writes: () => number } {
  const inner = new MemoryStore(clock);
  let writes = 0;
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // Diagnostics (ops:*) are written in timed batches (BufferedRing), so an earlier test's batch can land in any window.
        const diagnostics = typeof args[0] === 'string' && args[0].startsWith('ops:');
        if ((WRITES as readonly string[]).includes(String(name)) && !diagnostics) writes += 1;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, writes: () => writes };
}

describe('Alexa+ add-on: the service\'s /mcp through linkwright/mcp, with the SDK client over HTTP', function () {
  this.timeout(20_000);
  let service: TestService;
  let clock: ManualClock;
  let writes: () => number;
  let userId: string;
  let mcpUrl: string;

  before(async () => {
    clock = new ManualClock();
    const counting = countingStore(clock);
    writes = counting.writes;
    service = await startTestService({ clock, store: counting.store, env: PLUS_ENV });
    userId = await createRider(service);
    mcpUrl = `${service.url}/mcp`;
  });
  after(() => service.close());

  it('lists client_credentials in the authorization server metadata and serves RFC 9728 metadata at both paths', async () => {
    const as = (await (await fetch(`${service.url}/.well-known/oauth-authorization-server`)).json()) as { grant_types_supported: string[] };
    expect(as.grant_types_supported).to.include.members(['authorization_code', 'refresh_token', 'client_credentials']);
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      const response = await fetch(service.url + path);
      expect(response.status, path).to.equal(200);
      expect(await response.json()).to.deep.equal({ resource: mcpUrl, authorization_servers: [service.url], bearer_methods_supported: ['header'], scopes_supported: ['profile'], resource_name: 'Ride Hailer' });
    }
  });

  it('Tier 1: a client_credentials token runs initialize, tools/list and the public tool, and is told to link for order_ride', async () => {
    const token = await serviceToken(service);
    expect(payloadOf(token)).to.include({ aud: mcpUrl, gty: 'client_credentials', client_id: 'alexa-plus-test' });
    const client = await mcpClient(mcpUrl, token);
    expect(client.getServerVersion()).to.deep.include({ name: 'ride-hailer' });
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).to.deep.equal(['order_ride', 'rides_available']);
    expect(textOf(await client.callTool({ name: 'rides_available', arguments: { city: 'Seattle' } }))).to.match(/^Rides are available in Seattle: the nearest car is \d minutes away\.$/);
    const refused = await client.callTool({ name: 'order_ride', arguments: { city: 'Seattle' } });
    expect(refused.isError).to.equal(true);
    expect(refused._meta).to.deep.equal({ 'linkwright/error': 'account_not_linked' });
    expect(textOf(refused)).to.match(/link your Ride Hailer account/i);
    await client.close();
  });

  it('Tier 2: links the user through the sign-in and consent pages with PKCE, orders a ride, refreshes, and is refused once the user revokes', async () => {
    const tokens = await userTokens(service, USERNAME, PASSWORD, mcpUrl);
    expect(payloadOf(tokens.access)).to.include({ aud: mcpUrl, sub: userId });
    expect(payloadOf(tokens.access).gty).to.equal(undefined);
    const client = await mcpClient(mcpUrl, tokens.access);
    const booked = await client.callTool({ name: 'order_ride', arguments: { city: 'Seattle', destination: 'the airport' } });
    expect(booked.isError ?? false).to.equal(false);
    expect(textOf(booked)).to.match(/^Your ride to the airport is booked: a car will pick you up in Seattle in \d minutes\.$/);
    await client.close();

    // Rotation with the same family, grace and audience as the classic skill's.
    const refreshed = await plusToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh });
    expect(refreshed.status).to.equal(200);
    expect(refreshed.body.refresh_token).to.be.a('string').and.not.equal(tokens.refresh);
    const access = refreshed.body.access_token as string;
    expect(payloadOf(access)).to.include({ aud: mcpUrl, sub: userId });
    const again = await mcpClient(mcpUrl, access);
    expect(textOf(await again.callTool({ name: 'order_ride', arguments: { city: 'Boston' } }))).to.match(/booked/);

    await service.services.revocations.revokeUser(userId, 'revoked by the user');
    const message = await failureOf(again.callTool({ name: 'order_ride', arguments: { city: 'Boston' } }));
    expect(message).to.include('401').and.include('The access token has been revoked');
    const replay = await plusToken(service, { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token as string });
    expect(replay.body.error).to.equal('invalid_grant');
  });

  it('refreshes with the classic grace: the previous refresh token works once within REFRESH_TOKEN_GRACE, reuse after it ends the grant', async () => {
    await createRider(service, 'grace@example.com');
    const tokens = await userTokens(service, 'grace@example.com', PASSWORD, mcpUrl);
    const first = await plusToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh, resource: mcpUrl });
    expect(first.status).to.equal(200);
    // A retry with the same (now previous) token inside the grace window: Alexa+ lost the first answer.
    const retry = await plusToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh });
    expect(retry.status, JSON.stringify(retry.body)).to.equal(200);
    clock.advance((service.services.settings.oauth.refreshGraceSec + 1) * 1000);
    const reuse = await plusToken(service, { grant_type: 'refresh_token', refresh_token: tokens.refresh });
    expect(reuse.body.error).to.equal('invalid_grant');
    const afterReuse = await plusToken(service, { grant_type: 'refresh_token', refresh_token: retry.body.refresh_token as string });
    expect(afterReuse.body.error, 'reuse after the grace window revokes the whole grant').to.equal('invalid_grant');
  });

  it('requires PKCE S256 of the Alexa+ client, and refuses an unknown resource at authorize and token with invalid_target', async () => {
    const browser = new Browser(service.url);
    const noPkce = await browser.get(`/oauth/authorize?${plusAuthorizeQuery({})}`);
    expect(noPkce.status).to.equal(303);
    const location = new URL(noPkce.headers.get('location') as string);
    expect(`${location.origin}${location.pathname}`).to.equal(PLUS_REDIRECT);
    expect(location.searchParams.get('error')).to.equal('invalid_request');
    expect(location.searchParams.get('error_description')).to.match(/PKCE is required/);

    const pkce = pkcePair();
    const foreign = await browser.get(`/oauth/authorize?${plusAuthorizeQuery({ code_challenge: pkce.challenge, code_challenge_method: 'S256', resource: 'https://elsewhere.example/mcp' })}`);
    const foreignLocation = new URL(foreign.headers.get('location') as string);
    expect(foreignLocation.searchParams.get('error')).to.equal('invalid_target');
    expect(foreignLocation.searchParams.get('state')).to.equal('plus-state');
    const recorded = await opsOf(service.services).failures.recent(5);
    expect(recorded.find((r) => r.step === 'authorize' && r.category === 'resource_unknown'), JSON.stringify(recorded)).to.not.equal(undefined);

    const token = await plusToken(service, { grant_type: 'client_credentials', resource: 'https://elsewhere.example/mcp' });
    expect(token.status).to.equal(400);
    expect(token.body.error).to.equal('invalid_target');
    expect(token.body.error_description).to.include(mcpUrl);
    // Support sees both refusals explained, with what to check.
    expect(service.logs.events('token.refused').at(-1)).to.include({ error: 'invalid_target', category: 'resource_unknown' });
    // The classic skill's client may name only this service, never the MCP server.
    const classic = await postToken(service, { grant_type: 'refresh_token', refresh_token: 'x', resource: mcpUrl });
    expect(classic.body.error).to.equal('invalid_target');
    const classicAuthorize = await new Browser(service.url).get(`/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'alexa-test-client', redirect_uri: ALEXA_REDIRECTS[0] as string, resource: service.url }).toString()}`);
    expect(classicAuthorize.status, 'the own resource is accepted').to.equal(200);
  });

  it('answers a missing, expired, revoked, foreign-audience and forged token each with its own 401 and the resource_metadata challenge', async () => {
    const post = (authorization?: string) =>
      fetch(mcpUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
    const metadataUrl = `${service.url}/.well-known/oauth-protected-resource/mcp`;

    const missing = await post();
    expect(missing.status).to.equal(401);
    expect(missing.headers.get('www-authenticate')).to.equal(`Bearer resource_metadata="${metadataUrl}"`);
    expect(((await missing.json()) as { error_description: string }).error_description).to.match(/needs an access token/);

    // The classic skill's token names this service as its audience: not for the MCP server.
    const classic = await classicAccessToken(service);
    const foreign = await post(`Bearer ${classic}`);
    expect(foreign.status).to.equal(401);
    expect(foreign.headers.get('www-authenticate')).to.match(/^Bearer resource_metadata="[^"]+", error="invalid_token", error_description="The access token is not for this MCP server/);

    const forged = await post(`Bearer ${classic.slice(0, -4)}AAAA`);
    expect(((await forged.json()) as { error_description: string }).error_description).to.equal('The access token signature is invalid.');

    const malformedHeader = await post('Bearer two tokens');
    expect(malformedHeader.status).to.equal(400);

    const other = await createRider(service, 'expiring@example.com');
    const expiring = await userTokens(service, 'expiring@example.com', PASSWORD);
    const live = await post(`Bearer ${expiring.access}`);
    expect(live.status).to.equal(200);
    clock.advance(3700_000);
    const expired = await post(`Bearer ${expiring.access}`);
    expect(expired.status).to.equal(401);
    expect(((await expired.json()) as { error_description: string }).error_description).to.match(/has expired/);

    const revokedUser = await userTokens(service, 'expiring@example.com', PASSWORD);
    await service.services.revocations.revokeUser(other, 'revoked by the user');
    const revoked = await post(`Bearer ${revokedUser.access}`);
    expect(((await revoked.json()) as { error_description: string }).error_description).to.match(/has been revoked/);
  });

  it('answers a malformed JSON-RPC body with a JSON-RPC error, GET with 405, and spends no store write on unauthenticated traffic', async () => {
    const token = await serviceToken(service);
    const send = (body: string, method = 'POST', authorization: string | null = `Bearer ${token}`) =>
      fetch(mcpUrl, { method, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...(authorization ? { authorization } : {}) }, ...(method === 'POST' ? { body } : {}) });
    const broken = await send('{"jsonrpc": "2.0", "id": 1, "method": ');
    expect(broken.status).to.equal(400);
    expect(((await broken.json()) as { error: { code: number } }).error.code).to.equal(-32700);
    const notRpc = await send('{"hello": "world"}');
    expect(notRpc.status).to.equal(400);
    expect(((await notRpc.json()) as { jsonrpc: string; error: { code: number } }).jsonrpc).to.equal('2.0');
    const get = await send('', 'GET');
    expect(get.status).to.equal(405);

    const before = writes();
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => send('{"jsonrpc":"2.0","id":1,"method":"tools/list"}', 'POST', i % 3 === 0 ? null : i % 3 === 1 ? 'Bearer abc.def.ghi' : `Bearer forged${i}.x.y`)),
    );
    expect([...new Set(answers.map((a) => a.status))], JSON.stringify(answers.map((a, i) => [i, a.status]).filter(([, s]) => s !== 401).slice(0, 5))).to.deep.equal([401]);
    expect(writes() - before).to.equal(0);
  });
});

/** An access token of the classic skill's client (audience: this service). */
async function classicAccessToken(service: TestService): Promise<string> {
  const pkce = pkcePair();
  const browser = new Browser(service.url);
  const login = await openAuthorize(browser, new URLSearchParams({ response_type: 'code', client_id: 'alexa-test-client', redirect_uri: ALEXA_REDIRECTS[0] as string, state: 's', code_challenge: pkce.challenge, code_challenge_method: 'S256' }).toString());
  const consent = await signIn(browser, login);
  const location = await answerConsent(browser, consent, 'allow');
  const redeemed = await postToken(service, { grant_type: 'authorization_code', code: location.searchParams.get('code') as string, redirect_uri: ALEXA_REDIRECTS[0], code_verifier: pkce.verifier });
  return redeemed.body.access_token as string;
}
