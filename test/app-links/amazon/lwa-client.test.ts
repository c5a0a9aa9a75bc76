import { expect } from 'chai';
import nock from 'nock';
import { AmazonHttp } from '../../../app-links/amazon/http';
import { LwaClient, parseExpiresIn } from '../../../app-links/amazon/lwa-client';
import { AppLinkError } from '../../../app-links/errors';
import { ManualClock } from '../../../server/clock';
import { silentLogger } from '../../../server/log';
import { isolateNetwork, LWA, LWA_CLIENT_ID, LWA_CLIENT_SECRET } from '../support';

interface Seen {
  headers: Record<string, string | string[] | undefined>;
  form: Record<string, string>;
}

function lwaClient(): LwaClient {
  const http = new AmazonHttp({ timeoutMs: 1000, policy: { retries: 2, baseDelayMs: 0, maxRetryAfterMs: 0 }, log: silentLogger(), clock: new ManualClock(), sleep: async () => undefined });
  return new LwaClient(http, `${LWA}/auth/o2/token`, { clientId: LWA_CLIENT_ID, clientSecret: LWA_CLIENT_SECRET });
}

/** Answers the token endpoint with `status`/`body`, recording exactly what was sent. */
function tokenEndpoint(status: number, body: unknown, seen: Seen[], times = 1): void {
  nock(LWA)
    .post('/auth/o2/token')
    .times(times)
    .reply(function (_uri, requestBody) {
      seen.push({ headers: this.req.headers, form: Object.fromEntries(new URLSearchParams(requestBody as string)) });
      return [status, body];
    });
}

async function refusal(promise: Promise<unknown>): Promise<AppLinkError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'the call should have failed').to.be.instanceOf(AppLinkError);
  return error as AppLinkError;
}

const EXCHANGE = { code: 'ANaRxRbVcTsSgQhKhdGJ', redirectUri: 'https://link.example/app-links/return', codeVerifier: 'v'.repeat(64) };

describe('app-links LwaClient (Login with Amazon token endpoint)', () => {
  isolateNetwork();

  it('exchanges the Amazon code with exactly the documented form, credentials in the body', async () => {
    const seen: Seen[] = [];
    tokenEndpoint(200, { access_token: 'Atza|access', refresh_token: 'Atzr|refresh', token_type: 'bearer', expires_in: 3600 }, seen);
    const tokens = await lwaClient().exchangeCode(EXCHANGE);
    expect(tokens).to.deep.equal({ accessToken: 'Atza|access', refreshToken: 'Atzr|refresh', expiresInSec: 3600 });
    expect(seen).to.have.length(1);
    expect(seen[0]?.headers['content-type']).to.equal('application/x-www-form-urlencoded;charset=UTF-8');
    expect(seen[0]?.headers.accept).to.equal('application/json');
    expect(seen[0]?.headers.authorization).to.equal(undefined);
    expect(seen[0]?.form).to.deep.equal({
      grant_type: 'authorization_code',
      code: EXCHANGE.code,
      redirect_uri: EXCHANGE.redirectUri,
      client_id: LWA_CLIENT_ID,
      client_secret: LWA_CLIENT_SECRET,
      code_verifier: EXCHANGE.codeVerifier,
    });
  });

  it('accepts expires_in as a string, as the Alexa documentation shows it', async () => {
    tokenEndpoint(200, { access_token: 'Atza|a', refresh_token: 'Atzr|r', token_type: 'bearer', expires_in: '3600' }, []);
    expect((await lwaClient().exchangeCode(EXCHANGE)).expiresInSec).to.equal(3600);
    expect(parseExpiresIn(' 120 ')).to.equal(120);
    expect(parseExpiresIn(undefined)).to.equal(3600);
    expect(parseExpiresIn('soon')).to.equal(undefined);
    expect(parseExpiresIn(-5)).to.equal(undefined);
    expect(parseExpiresIn(1.5)).to.equal(undefined);
  });

  it('maps invalid_grant (expired after 5 minutes, used, wrong redirect) to amazon_code_rejected, without retrying', async () => {
    const seen: Seen[] = [];
    tokenEndpoint(400, { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : code' }, seen);
    const error = await refusal(lwaClient().exchangeCode(EXCHANGE));
    expect(error.appCode).to.equal('amazon_code_rejected');
    expect(error.status).to.equal(400);
    expect(error.reason).to.include('invalid_grant');
    expect(seen).to.have.length(1);
  });

  it('maps invalid_client and unauthorized_client to amazon_client_misconfigured', async () => {
    tokenEndpoint(401, { error: 'invalid_client', error_description: 'Client authentication failed' }, []);
    expect((await refusal(lwaClient().exchangeCode(EXCHANGE))).appCode).to.equal('amazon_client_misconfigured');
    tokenEndpoint(400, { error: 'unauthorized_client', error_description: 'Not authorized for requested operation' }, []);
    const error = await refusal(lwaClient().exchangeCode(EXCHANGE));
    expect(error.appCode).to.equal('amazon_client_misconfigured');
    expect(error.status).to.equal(502);
  });

  it('retries 5xx and maps a lasting outage to amazon_unavailable', async () => {
    const seen: Seen[] = [];
    tokenEndpoint(503, { error: 'server_error' }, seen, 3);
    const error = await refusal(lwaClient().exchangeCode(EXCHANGE));
    expect(error.appCode).to.equal('amazon_unavailable');
    expect(error.status).to.equal(503);
    expect(seen).to.have.length(3);
  });

  it('refuses a 200 without an access token or a refresh token', async () => {
    tokenEndpoint(200, { token_type: 'bearer', expires_in: 3600 }, []);
    expect((await refusal(lwaClient().exchangeCode(EXCHANGE))).appCode).to.equal('amazon_unavailable');
    tokenEndpoint(200, { access_token: 'Atza|a', token_type: 'bearer', expires_in: 3600 }, []);
    expect((await refusal(lwaClient().exchangeCode(EXCHANGE))).reason).to.include('without a refresh_token');
  });

  it('refreshes with the refresh_token grant; a refused refresh token means the grant is gone', async () => {
    const seen: Seen[] = [];
    tokenEndpoint(200, { access_token: 'Atza|fresh', token_type: 'bearer', expires_in: '3600' }, seen);
    expect(await lwaClient().refresh('Atzr|stored')).to.deep.equal({ accessToken: 'Atza|fresh', refreshToken: undefined, expiresInSec: 3600 });
    expect(seen[0]?.form).to.deep.equal({ grant_type: 'refresh_token', refresh_token: 'Atzr|stored', client_id: LWA_CLIENT_ID, client_secret: LWA_CLIENT_SECRET });

    tokenEndpoint(400, { error: 'invalid_grant', error_description: 'The request has an invalid grant parameter : refresh_token' }, []);
    expect((await refusal(lwaClient().refresh('Atzr|revoked'))).appCode).to.equal('skill_disabled');
  });

  it('keeps tokens and codes out of the failure reason', async () => {
    tokenEndpoint(400, { error: 'invalid_grant', error_description: `code ${'Z'.repeat(40)} is expired` }, []);
    const error = await refusal(lwaClient().exchangeCode(EXCHANGE));
    expect(error.reason).to.not.include('Z'.repeat(40));
    expect(error.reason).to.not.include(EXCHANGE.code);
    expect(error.message).to.not.include(LWA_CLIENT_SECRET);
  });
});
