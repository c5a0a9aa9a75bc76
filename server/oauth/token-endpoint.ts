import { OAuthError, ServiceError } from '../errors';
import type { HotRequest, HotResponse, HotRoute } from '../http/hot-routes';
import { toServiceError } from '../http/error-handler';
import type { Services } from '../services';
import { authenticateClient } from './client-auth';
import { parseFormBody } from './form-body';
import type { ServiceTokenResponse, TokenResponse } from './grants';
import { NO_STORE_HEADERS, oauthErrorAnswer } from './json-responses';
import { OAUTH_PATHS } from './metadata';
import { describeProblem } from './params';
import { isValidVerifier } from './pkce';
import { resourceProblem } from './resource-indicator';
import { type TokenEndpointObserver, UNOBSERVED_TOKEN_ENDPOINT } from './token-endpoint-observer';
import type { GrantType } from './clients';
import { GRANT_TYPES } from '../config/clients-file';

function isGrantType(value: string): value is GrantType {
  return (GRANT_TYPES as readonly string[]).includes(value);
}

/** Token requests are a few hundred bytes; anything near this limit is not a token request (revocation shares it). */
export const TOKEN_BODY_LIMIT_BYTES = 16 * 1024;

const TOKEN_PARAMS = {
  grant_type: 64,
  code: 512,
  redirect_uri: 2048,
  code_verifier: 256,
  refresh_token: 512,
  scope: 1024,
  resource: 2048,
} as const;

/** What the log line of a token request says about it; filled in as the request is understood. */
interface TokenLogContext {
  grant_type?: string;
  client_id?: string;
  redirect_uri?: string;
}

/**
 * POST /oauth/token: the authorization_code, refresh_token and client_credentials grants, each only for
 * a client registered for it (unauthorized_client otherwise) and authenticated as it registered,
 * served as a hot route (straight from node:http: Alexa calls it for every linked user every hour).
 * Answers JSON with no-store; every refusal is logged as `token.refused` with the failed check, and told
 * to the observer (which counts it and records it for the diagnostics page). Other methods on the path
 * are left to express (405).
 */
export function tokenHotRoute(services: Services, observer: TokenEndpointObserver = UNOBSERVED_TOKEN_ENDPOINT): HotRoute {
  const { clients, grants } = services;
  const seconds = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

  const grant = async (req: HotRequest, context: TokenLogContext): Promise<{ response: TokenResponse | ServiceTokenResponse; grantType: string; clientId: string; redirectUri: string | undefined }> => {
    const form = parseFormBody(req.body, req.header, TOKEN_BODY_LIMIT_BYTES);
    const { values, problems } = form.read(TOKEN_PARAMS);
    if (problems[0]) throw new OAuthError('invalid_request', describeProblem(problems[0]), 400, `${problems[0].name} ${problems[0].kind}`);
    if (values.grant_type !== undefined) context.grant_type = values.grant_type;
    if (values.redirect_uri !== undefined) context.redirect_uri = values.redirect_uri;
    const { client } = authenticateClient(req.header, form, clients, (id) => {
      context.client_id = id.slice(0, 256);
    });

    const grantType = values.grant_type;
    if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required.', 400, 'grant_type missing');
    if (isGrantType(grantType) && !client.grantTypes.has(grantType)) {
      throw new OAuthError('unauthorized_client', `This client is not registered for the ${grantType} grant.`, 400, `client ${client.id} (${client.kind}) not allowed ${grantType}`);
    }
    const target = resourceProblem(values.resource, services.accessTokens.audienceFor(client.id));
    if (target) throw new OAuthError('invalid_target', target.description, 400, target.reason);
    switch (grantType) {
      case 'authorization_code': {
        if (values.code === undefined) throw new OAuthError('invalid_request', 'code is required for the authorization_code grant.', 400, 'code missing');
        // A public client's code is bound to it by PKCE alone (its authorization request had to carry a challenge).
        if (client.isPublic && values.code_verifier === undefined) {
          throw new OAuthError('invalid_request', 'code_verifier is required: this client is public and must use PKCE.', 400, 'code_verifier missing (public client)');
        }
        if (values.code_verifier !== undefined && !isValidVerifier(values.code_verifier)) {
          throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 characters from A-Z, a-z, 0-9 and "-._~".', 400, 'code_verifier malformed');
        }
        const response = await grants.exchangeCode(values.code, { clientId: client.id, redirectUri: values.redirect_uri, codeVerifier: values.code_verifier });
        return { response, grantType, clientId: client.id, redirectUri: values.redirect_uri };
      }
      case 'refresh_token': {
        if (values.refresh_token === undefined) throw new OAuthError('invalid_request', 'refresh_token is required for the refresh_token grant.', 400, 'refresh_token missing');
        const response = await grants.refresh(values.refresh_token, client.id, values.scope);
        return { response, grantType, clientId: client.id, redirectUri: values.redirect_uri };
      }
      case 'client_credentials': {
        // Public clients are never registered for it (CLIENTS_FILE refuses that), but the check stays next to the grant.
        if (client.isPublic) throw new OAuthError('unauthorized_client', 'A public client cannot use the client_credentials grant.', 400, 'client_credentials by a public client');
        return { response: grants.clientCredentials(client, values.scope), grantType, clientId: client.id, redirectUri: undefined };
      }
      default:
        throw new OAuthError(
          'unsupported_grant_type',
          `The grant_type "${grantType}" is not supported: use authorization_code, refresh_token or client_credentials.`,
          400,
          `unsupported grant_type ${grantType}`,
        );
    }
  };

  // One line per refusal saying which check failed (reason) and what to do about it (advice), so a
  // support engineer can act on "we were unable to link your account" from the log alone.
  const refuse = (error: unknown, req: HotRequest, context: TokenLogContext, started: bigint): { answer: HotResponse; recorded: Promise<unknown> } => {
    const failure = toServiceError(error);
    const facts = { code: failure.code, reason: failure.reason };
    const explained = observer.explain(facts);
    const line = { event: 'token.refused', step: 'token', ...context, error: failure.code, status: failure.status, reason: failure.reason, category: explained?.category, advice: explained?.advice };
    if (failure.status >= 500) req.log.warn({ ...line, err: failure.status === 500 ? error : undefined }, 'token request failed');
    // warn, not info: a refused link must stay visible at LOG_LEVEL=warn (the level busy deployments run at).
    else req.log.warn(line, 'token request refused');
    observer.answered(context.grant_type, failure.code, seconds(started));
    observer.sighted({ clientId: context.client_id, redirectUri: context.redirect_uri });
    const recorded = observer.refused(facts, { clientId: context.client_id, req, error });
    return { answer: oauthErrorAnswer(failure), recorded };
  };

  return {
    method: 'POST',
    path: OAUTH_PATHS.token,
    bodyLimitBytes: TOKEN_BODY_LIMIT_BYTES,
    handle: async (req) => {
      const started = process.hrtime.bigint();
      const context: TokenLogContext = {};
      try {
        const { response, grantType, clientId, redirectUri } = await grant(req, context);
        // The info line is built only when it will be written (production logs it; the bench runs at warn).
        if (req.log.isLevelEnabled('info')) req.log.info({ event: 'token.issued', ...context, scope: response.scope, expires_in: response.expires_in }, 'tokens issued');
        observer.answered(grantType, 'issued', seconds(started));
        observer.sighted({ clientId, redirectUri });
        return { status: 200, headers: NO_STORE_HEADERS, json: response };
      } catch (error) {
        const { answer, recorded } = refuse(error, req, context, started);
        await recorded;
        return answer;
      }
    },
    tooLarge: (req) => {
      // Refused before the body is read, so nothing is known of the request but its size.
      const { answer, recorded } = refuse(new ServiceError('invalid_request', 413, 'The request body is too large.'), req, {}, process.hrtime.bigint());
      void recorded; // refused never rejects; the answer does not wait for the diagnostics record.
      return answer;
    },
  };
}
