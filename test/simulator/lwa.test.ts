import { expect } from 'chai';
import { ManualClock } from '../../server/clock';
import { type AmazonSimulator, startAmazonSimulator } from '../../simulator';
import { basic, getManual, location, pkcePair, postForm, sharedCertificate } from './helpers';

const APP_RETURN = 'https://app.example.com/alexa/return';
const SIGN_IN_RETURN = 'https://service.example.com/login/amazon/callback';

describe('simulator: Login with Amazon', () => {
  let clock: ManualClock;
  let amazon: AmazonSimulator;
  const signIn = { id: 'amzn1.application-oa2-client.signin', secret: 'sign-in-secret-0123456789', redirectUris: [SIGN_IN_RETURN] };

  beforeEach(async () => {
    clock = new ManualClock();
    amazon = await startAmazonSimulator({
      clock,
      certificate: sharedCertificate(),
      lwaClient: { redirectUris: [APP_RETURN] },
      otherLwaClients: [signIn],
      users: [
        { name: 'Alice', email: 'alice@example.com', postalCode: '98109' },
        { name: 'Bob', email: 'bob@example.com' },
      ],
    });
  });
  afterEach(async () => amazon.close());

  function authorizeUrl(params: Record<string, string>): string {
    const url = new URL(amazon.env.LWA_AUTHORIZE_URL);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return url.toString();
  }

  /** Runs /ap/oa for the sign-in client and returns the code. */
  async function code(options: { challenge?: string; method?: string; scope?: string } = {}): Promise<string> {
    const params: Record<string, string> = { client_id: signIn.id, scope: options.scope ?? 'profile', response_type: 'code', redirect_uri: SIGN_IN_RETURN, state: 'st-1' };
    if (options.challenge) params.code_challenge = options.challenge;
    if (options.method) params.code_challenge_method = options.method;
    const response = await getManual(authorizeUrl(params));
    expect(response.status).to.equal(302);
    const back = location(response);
    expect(back.searchParams.get('state')).to.equal('st-1');
    const value = back.searchParams.get('code');
    if (!value) throw new Error(`no code in ${back.toString()}`);
    return value;
  }

  function redeem(form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', redirect_uri: SIGN_IN_RETURN, client_id: signIn.id, client_secret: signIn.secret, ...form }, headers);
  }

  describe('authorization page (/ap/oa)', () => {
    it('redirects back to the exact redirect URI with code, scope and state for the signed-in customer', async () => {
      const response = await getManual(authorizeUrl({ client_id: signIn.id, scope: 'profile', response_type: 'code', redirect_uri: SIGN_IN_RETURN, state: 'xyz' }));
      expect(response.status).to.equal(302);
      const back = location(response);
      expect(`${back.origin}${back.pathname}`).to.equal(SIGN_IN_RETURN);
      expect(back.searchParams.get('code')).to.match(/^AN[A-Za-z0-9]{24}$/);
      expect(back.searchParams.get('scope')).to.equal('profile');
      expect(back.searchParams.get('state')).to.equal('xyz');
    });

    it('shows an error page, never a redirect, for an unknown client or an unregistered redirect URI', async () => {
      const unknown = await getManual(authorizeUrl({ client_id: 'nobody', scope: 'profile', response_type: 'code', redirect_uri: SIGN_IN_RETURN }));
      expect(unknown.status).to.equal(400);
      expect(unknown.headers.get('location')).to.equal(null);
      expect(await unknown.text()).to.contain('unknown client_id');
      for (const redirect of [`${SIGN_IN_RETURN}/`, SIGN_IN_RETURN.toUpperCase(), 'https://evil.example.com/cb', '']) {
        const wrong = await getManual(authorizeUrl({ client_id: signIn.id, scope: 'profile', response_type: 'code', redirect_uri: redirect }));
        expect(wrong.status, redirect).to.equal(400);
        expect(wrong.headers.get('location')).to.equal(null);
      }
    });

    it('redirects OAuth errors with the state: response type, scope, PKCE method, and a customer who declines', async () => {
      const cases: Array<[Record<string, string>, string]> = [
        [{ response_type: 'token' }, 'unsupported_response_type'],
        [{ scope: 'profile admin' }, 'invalid_scope'],
        [{ scope: '' }, 'invalid_scope'],
        [{ code_challenge: pkcePair().challenge, code_challenge_method: 'S512' }, 'invalid_request'],
        [{ code_challenge_method: 'S256' }, 'invalid_request'],
        [{ code_challenge: 'short' }, 'invalid_request'],
      ];
      for (const [override, error] of cases) {
        const response = await getManual(authorizeUrl({ client_id: signIn.id, scope: 'profile', response_type: 'code', redirect_uri: SIGN_IN_RETURN, state: 's', ...override }));
        const back = location(response);
        expect(back.searchParams.get('error'), JSON.stringify(override)).to.equal(error);
        expect(back.searchParams.get('state')).to.equal('s');
        expect(back.searchParams.get('code')).to.equal(null);
      }
      amazon.customers.setDecision('deny');
      const declined = location(await getManual(authorizeUrl({ client_id: signIn.id, scope: 'profile', response_type: 'code', redirect_uri: SIGN_IN_RETURN, state: 's' })));
      expect(declined.searchParams.get('error')).to.equal('access_denied');
      expect(declined.searchParams.get('code')).to.equal(null);
    });

    it('refuses scopes the client is not registered for (the Alexa client may only ask for account linking)', async () => {
      const response = await getManual(authorizeUrl({ client_id: amazon.lwaClient.id, scope: 'profile', response_type: 'code', redirect_uri: APP_RETURN }));
      expect(location(response).searchParams.get('error')).to.equal('invalid_scope');
    });
  });

  describe('token endpoint (/auth/o2/token), authorization_code grant', () => {
    it('exchanges a PKCE-bound code with the right verifier for opaque Atza|/Atzr| tokens valid one hour', async () => {
      const pkce = pkcePair();
      const response = await redeem({ code: await code({ challenge: pkce.challenge, method: 'S256' }), code_verifier: pkce.verifier });
      expect(response.status).to.equal(200);
      expect(response.headers.get('cache-control')).to.equal('no-store');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.access_token).to.match(/^Atza\|[A-Za-z0-9_-]{40,}$/);
      expect(body.refresh_token).to.match(/^Atzr\|[A-Za-z0-9_-]{40,}$/);
      expect(body.token_type).to.equal('bearer');
      expect(body.expires_in).to.equal(3600);
    });

    it('refuses a wrong or missing verifier with 400 invalid_grant, and a verifier for a code without challenge', async () => {
      const pkce = pkcePair();
      const wrong = await redeem({ code: await code({ challenge: pkce.challenge, method: 'S256' }), code_verifier: pkcePair().verifier });
      expect(wrong.status).to.equal(400);
      expect(await wrong.json()).to.deep.include({ error: 'invalid_grant' });
      const missing = await redeem({ code: await code({ challenge: pkce.challenge, method: 'S256' }) });
      expect(missing.status).to.equal(400);
      expect(((await missing.json()) as { error_description: string }).error_description).to.contain('code_verifier is required');
      const unexpected = await redeem({ code: await code(), code_verifier: pkce.verifier });
      expect(unexpected.status).to.equal(400);
      expect(await unexpected.json()).to.deep.include({ error: 'invalid_grant' });
    });

    it('accepts the plain method when the challenge came without one (LWA default)', async () => {
      const verifier = pkcePair().verifier;
      const response = await redeem({ code: await code({ challenge: verifier }), code_verifier: verifier });
      expect(response.status).to.equal(200);
    });

    it('refuses a redirect_uri that differs from the authorization request, or is missing', async () => {
      const wrong = await redeem({ code: await code(), redirect_uri: `${SIGN_IN_RETURN}?x=1` });
      expect(wrong.status).to.equal(400);
      expect(await wrong.json()).to.deep.include({ error: 'invalid_grant' });
      const form = { grant_type: 'authorization_code', code: await code(), client_id: signIn.id, client_secret: signIn.secret };
      const missing = await postForm(amazon.env.LWA_TOKEN_URL, form);
      expect(missing.status).to.equal(400);
      expect(await missing.json()).to.deep.include({ error: 'invalid_grant' });
    });

    it('accepts a code once; a replay is refused and revokes the tokens the first use produced', async () => {
      const value = await code();
      const first = await redeem({ code: value });
      expect(first.status).to.equal(200);
      const { access_token: accessToken } = (await first.json()) as { access_token: string };
      expect((await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${accessToken}` } })).status).to.equal(200);
      const replay = await redeem({ code: value });
      expect(replay.status).to.equal(400);
      expect(await replay.json()).to.deep.include({ error: 'invalid_grant' });
      expect((await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${accessToken}` } })).status).to.equal(401);
    });

    it('lets a code expire after 5 minutes on the clock', async () => {
      const early = await code();
      const late = await code();
      clock.advance(5 * 60_000 - 1);
      expect((await redeem({ code: early })).status).to.equal(200);
      clock.advance(1);
      const expired = await redeem({ code: late });
      expect(expired.status).to.equal(400);
      expect(await expired.json()).to.deep.equal({ error: 'invalid_grant', error_description: 'The authorization code has expired.' });
    });

    it('binds a code to its client', async () => {
      const value = await code();
      const other = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', code: value, redirect_uri: SIGN_IN_RETURN, client_id: amazon.lwaClient.id, client_secret: amazon.lwaClient.secret });
      expect(other.status).to.equal(400);
      expect(await other.json()).to.deep.include({ error: 'invalid_grant' });
    });

    it('authenticates the client in the body or with HTTP Basic, never both, and refuses a wrong secret', async () => {
      const viaBasic = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', code: await code(), redirect_uri: SIGN_IN_RETURN }, { Authorization: basic(signIn.id, signIn.secret) });
      expect(viaBasic.status).to.equal(200);
      const both = await redeem({ code: await code() }, { Authorization: basic(signIn.id, signIn.secret) });
      expect(both.status).to.equal(400);
      expect(await both.json()).to.deep.include({ error: 'invalid_request' });
      const wrongSecret = await redeem({ code: await code(), client_secret: 'not-the-secret' });
      expect(wrongSecret.status).to.equal(400);
      expect(await wrongSecret.json()).to.deep.include({ error: 'invalid_client' });
      const wrongBasic = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', code: await code(), redirect_uri: SIGN_IN_RETURN }, { Authorization: basic(signIn.id, 'nope') });
      expect(await wrongBasic.json()).to.deep.include({ error: 'invalid_client' });
      const none = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', code: await code(), redirect_uri: SIGN_IN_RETURN });
      expect(none.status).to.equal(400);
      expect(await none.json()).to.deep.include({ error: 'invalid_client' });
    });

    it('answers malformed requests with 400 and a specific error', async () => {
      const json = await fetch(amazon.env.LWA_TOKEN_URL, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ grant_type: 'authorization_code' }) });
      expect(json.status).to.equal(400);
      expect(await json.json()).to.deep.include({ error: 'invalid_request' });
      const noGrant = await postForm(amazon.env.LWA_TOKEN_URL, { client_id: signIn.id, client_secret: signIn.secret });
      expect(await noGrant.json()).to.deep.include({ error: 'invalid_request' });
      const password = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'password', client_id: signIn.id, client_secret: signIn.secret });
      expect(await password.json()).to.deep.include({ error: 'unsupported_grant_type' });
      const noCode = await redeem({});
      expect(await noCode.json()).to.deep.include({ error: 'invalid_request' });
      const unknownCode = await redeem({ code: 'ANnotacode' });
      expect(await unknownCode.json()).to.deep.include({ error: 'invalid_grant' });
    });
  });

  describe('token endpoint, refresh_token grant', () => {
    it('issues a new access token for the same refresh token; an expired access token stops working after 1 hour', async () => {
      const tokens = (await (await redeem({ code: await code() })).json()) as { access_token: string; refresh_token: string };
      clock.advance(3600 * 1000);
      const stale = await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(stale.status).to.equal(401);
      expect(await stale.json()).to.deep.include({ error: 'invalid_token', error_description: 'The access token has expired.' });
      const refreshed = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: signIn.id, client_secret: signIn.secret });
      expect(refreshed.status).to.equal(200);
      const fresh = (await refreshed.json()) as { access_token: string; refresh_token: string; expires_in: number };
      expect(fresh.refresh_token).to.equal(tokens.refresh_token);
      expect(fresh.access_token).to.not.equal(tokens.access_token);
      expect(fresh.expires_in).to.equal(3600);
      expect((await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${fresh.access_token}` } })).status).to.equal(200);
    });

    it('refuses an unknown refresh token, one from another client, and a missing one', async () => {
      const tokens = (await (await redeem({ code: await code() })).json()) as { refresh_token: string };
      const unknown = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'refresh_token', refresh_token: 'Atzr|forged', client_id: signIn.id, client_secret: signIn.secret });
      expect(await unknown.json()).to.deep.include({ error: 'invalid_grant' });
      const otherClient = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: amazon.lwaClient.id, client_secret: amazon.lwaClient.secret });
      expect(otherClient.status).to.equal(400);
      expect(await otherClient.json()).to.deep.include({ error: 'invalid_grant' });
      const missing = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'refresh_token', client_id: signIn.id, client_secret: signIn.secret });
      expect(await missing.json()).to.deep.include({ error: 'invalid_request' });
    });
  });

  describe('profile (/user/profile)', () => {
    async function accessToken(scope: string): Promise<string> {
      const response = await redeem({ code: await code({ scope }) });
      return ((await response.json()) as { access_token: string }).access_token;
    }

    it('returns the consenting customer’s profile for a bearer token (or the access_token parameter)', async () => {
      const token = await accessToken('profile postal_code');
      const alice = amazon.customers.get('Alice');
      const response = await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status).to.equal(200);
      expect(await response.json()).to.deep.equal({ user_id: alice.id, name: 'Alice', email: 'alice@example.com', postal_code: '98109' });
      expect(alice.id).to.match(/^amzn1\.account\.[A-Z2-7]{28}$/);
      const viaQuery = await fetch(`${amazon.env.LWA_PROFILE_URL}?access_token=${encodeURIComponent(token)}`);
      expect(((await viaQuery.json()) as { user_id: string }).user_id).to.equal(alice.id);
    });

    it('answers for whichever customer is signed in when consent is given', async () => {
      amazon.customers.signIn('Bob');
      const response = await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${await accessToken('profile')}` } });
      expect(await response.json()).to.deep.include({ name: 'Bob', email: 'bob@example.com', user_id: amazon.customers.get('Bob').id });
    });

    it('limits the answer to the granted scope: profile:user_id gives only the id', async () => {
      const response = await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${await accessToken('profile:user_id')}` } });
      expect(await response.json()).to.deep.equal({ user_id: amazon.customers.get('Alice').id });
    });

    it('refuses a missing token (400), an unknown one (401 with WWW-Authenticate) and one without a profile scope (403)', async () => {
      const missing = await fetch(amazon.env.LWA_PROFILE_URL);
      expect(missing.status).to.equal(400);
      expect(await missing.json()).to.deep.include({ error: 'invalid_request' });
      const unknown = await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: 'Bearer Atza|unknown' } });
      expect(unknown.status).to.equal(401);
      expect(unknown.headers.get('www-authenticate')).to.equal('Bearer error="invalid_token"');
      const consent = location(await getManual(amazon.appConsentUrl({ redirectUri: APP_RETURN, state: 's' })));
      const alexaToken = await postForm(amazon.env.LWA_TOKEN_URL, { grant_type: 'authorization_code', code: consent.searchParams.get('code') ?? '', redirect_uri: APP_RETURN, client_id: amazon.lwaClient.id, client_secret: amazon.lwaClient.secret });
      const { access_token: linkingOnly } = (await alexaToken.json()) as { access_token: string };
      const noScope = await fetch(amazon.env.LWA_PROFILE_URL, { headers: { Authorization: `Bearer ${linkingOnly}` } });
      expect(noScope.status).to.equal(403);
      expect(await noScope.json()).to.deep.include({ error: 'insufficient_scope' });
    });
  });
});
