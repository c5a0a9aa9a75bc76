import type { Request, Response } from 'express';
import { APP_LINK_ERRORS } from './errors';

/** Where the service serves the document (public: it describes the API, not any user). */
export const OPENAPI_PATH = '/app-links/openapi.json';

type Schema = Record<string, unknown>;

/** Codes any endpoint may answer besides the app-links ones, with what an app can tell its user. */
const GENERAL_ERRORS: Record<string, string> = {
  invalid_request: 'The request is malformed; error_description says which field. A bug in the app, not something to show the user.',
  invalid_token: "The user's bearer token is missing, expired or revoked, or is not an app-links caller's (a token issued to an Alexa client never is): refresh the app's session (or sign in again), then retry.",
  insufficient_scope: 'HTTP 403. A service token without the app_links scope: register the scope for the service client and ask for it.',
  too_many_requests: 'Too many linking attempts in a short time: ask the user to wait a few minutes.',
  csrf_failed: 'Only the browser fallback pages answer this.',
  temporarily_unavailable: 'The service cannot reach its store: retry after the Retry-After seconds.',
  server_error: 'An unexpected error: retry later; support can find it by the X-Request-Id response header.',
  not_found: 'No such endpoint: app-to-app linking is turned off on this service (APP_LINKS_ENABLED=false) or the path is wrong.',
};

const ERROR_CODES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(APP_LINK_ERRORS).map(([code, { status, description }]) => [code, `HTTP ${status}. ${description}`])),
  ...GENERAL_ERRORS,
};

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const nullableString = { type: ['string', 'null'] };

/** An error response listing the codes an endpoint may answer with that status. */
function errorResponse(description: string, codes: string[]) {
  const unknown = codes.filter((code) => !(code in ERROR_CODES));
  if (unknown.length > 0) throw new Error(`undocumented error code(s): ${unknown.join(', ')}`);
  return {
    description: `${description} \`error\` is one of: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
    content: json({ allOf: [ref('Error'), { properties: { error: { enum: codes } } }] }),
  };
}

const UNAUTHORIZED = {
  ...errorResponse('The bearer token was refused. The WWW-Authenticate header says Bearer realm="app-links".', ['invalid_token']),
  headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'Bearer realm="app-links"[, error="invalid_token"]' } },
};
/** 403 for Amazon's refusals, plus a service token lacking the app_links scope. */
function forbidden(amazonCodes: string[]) {
  return {
    ...errorResponse(`${amazonCodes.length > 0 ? 'Amazon refuses this user, or the' : 'The'} service token lacks the app_links scope.`, [...amazonCodes, 'insufficient_scope']),
    headers: { 'WWW-Authenticate': { schema: { type: 'string' }, description: 'For insufficient_scope: Bearer realm="app-links", error="insufficient_scope", scope="app_links"' } },
  };
}
const USER_UNKNOWN = errorResponse('A service token named, in Linkwright-User, a user with no account here.', ['user_unknown']);
const LINKWRIGHT_USER = { $ref: '#/components/parameters/LinkwrightUser' };

const UNAVAILABLE = {
  ...errorResponse('Retry later (the Retry-After header says when).', ['amazon_unavailable', 'provider_unavailable', 'app_links_not_configured', 'temporarily_unavailable']),
  headers: { 'Retry-After': { schema: { type: 'string' }, description: 'Seconds to wait before retrying.' } },
};
const SERVER_ERROR = errorResponse('Unexpected failure.', ['server_error']);

const schemas: Record<string, Schema> = {
  Error: {
    type: 'object',
    required: ['error', 'error_description'],
    properties: {
      error: ref('ErrorCode'),
      error_description: {
        type: 'string',
        description: 'For the app-links codes, the code\'s fixed description (see ErrorCode), written so the app can show it to the user, 5xx included; for the other codes, a sentence for developers.',
      },
    },
  },
  ErrorCode: {
    type: 'string',
    enum: Object.keys(ERROR_CODES),
    description: `Stable codes an app can switch on:\n${Object.entries(ERROR_CODES)
      .map(([code, text]) => `- \`${code}\`: ${text}`)
      .join('\n')}`,
    'x-enum-descriptions': Object.values(ERROR_CODES),
  },
  StartResponse: {
    type: 'object',
    required: ['alexaAppUrl', 'lwaFallbackUrl', 'state', 'expiresAt', 'expiresIn'],
    additionalProperties: false,
    properties: {
      alexaAppUrl: { type: 'string', format: 'uri', description: 'Open this universal link: the Alexa app shows its consent screen when installed.' },
      lwaFallbackUrl: { type: 'string', format: 'uri', description: 'Open this in a browser tab when the Alexa app is not installed (Login with Amazon).' },
      state: { type: 'string', description: 'Comes back on the return URL; send it to /app-links/complete unchanged.' },
      expiresAt: { type: 'string', format: 'date-time', description: 'When this attempt expires.' },
      expiresIn: { type: 'integer', minimum: 0, description: 'Seconds until expiresAt.' },
    },
  },
  CompleteRequest: {
    type: 'object',
    required: ['code', 'state'],
    properties: {
      code: { type: 'string', minLength: 1, maxLength: 2048, description: 'The `code` query parameter of the return URL (Amazon authorization code, valid 5 minutes).' },
      state: { type: 'string', minLength: 1, maxLength: 2048, description: 'The `state` query parameter of the return URL.' },
      providerCode: { type: 'string', maxLength: 2048, description: 'Only when accounts live in Login with Amazon or an OIDC provider: that provider\'s authorization code for Alexa.' },
      providerRedirectUri: { type: 'string', maxLength: 2048, description: 'With providerCode: the redirect URI it was issued for, APP_REDIRECT_URL or one of the Alexa redirect URLs.' },
    },
  },
  CompleteResponse: {
    type: 'object',
    required: ['linked', 'enablementStatus', 'accountLinkStatus', 'stage'],
    additionalProperties: false,
    properties: {
      linked: { const: true },
      enablementStatus: { type: 'string', description: 'Amazon\'s skill enablement status, e.g. ENABLED.' },
      accountLinkStatus: { type: 'string', description: 'Amazon\'s account-link status, e.g. LINKED.' },
      stage: { type: 'string', description: 'The skill stage Amazon reports, e.g. development or live.' },
    },
  },
  LinkStatus: {
    type: 'object',
    required: ['linked', 'enablementStatus', 'accountLinkStatus', 'stage', 'linkedAt'],
    additionalProperties: false,
    properties: {
      linked: { type: 'boolean', description: 'True when the skill is enabled and the account linked: show "Unlink"; otherwise "Link with Alexa".' },
      enablementStatus: { ...nullableString, description: 'From the Skill Enablement API, e.g. ENABLED or NOT_ENABLED; null when Amazon was not asked.' },
      accountLinkStatus: { ...nullableString, description: 'e.g. LINKED; null when unknown.' },
      stage: { ...nullableString, description: 'The skill stage, e.g. development or live.' },
      linkedAt: { type: ['string', 'null'], format: 'date-time', description: 'When the link was made from the app.' },
      reason: { type: 'string', enum: ['not_linked_from_app', 'skill_disabled'], description: 'Why linked is false when Amazon was not asked.' },
    },
  },
  UnlinkResponse: {
    type: 'object',
    required: ['linked', 'amazonDisabled', 'revokedGrants'],
    additionalProperties: false,
    properties: {
      linked: { const: false },
      amazonDisabled: { type: 'boolean', description: 'True when Amazon disabled the skill now; false when there was no Amazon link to act on.' },
      revokedGrants: { type: 'integer', minimum: 0, description: 'How many of the user\'s Alexa grants were revoked.' },
    },
  },
  AuthorizeRequest: {
    type: 'object',
    required: ['response_type', 'client_id', 'redirect_uri'],
    description: 'The query parameters the Alexa app opened the platform authorization URL with, passed on unchanged, plus the user\'s decision.',
    properties: {
      response_type: { type: 'string', const: 'code' },
      client_id: { type: 'string', maxLength: 256 },
      redirect_uri: { type: 'string', maxLength: 2048 },
      scope: { type: 'string', maxLength: 1024 },
      state: { type: 'string', maxLength: 4096 },
      code_challenge: { type: 'string', maxLength: 128 },
      code_challenge_method: { type: 'string', const: 'S256' },
      decision: { type: 'string', enum: ['allow', 'deny'], default: 'allow' },
    },
  },
  AuthorizeResponse: {
    description: 'Open `redirectTo` (a universal link into the Alexa app) in every case.',
    oneOf: [
      {
        type: 'object',
        required: ['outcome', 'redirectTo'],
        additionalProperties: false,
        properties: { outcome: { const: 'code' }, redirectTo: { type: 'string', format: 'uri', description: 'The Alexa redirect URL with code and state.' } },
      },
      {
        type: 'object',
        required: ['outcome', 'redirectTo'],
        additionalProperties: false,
        properties: { outcome: { const: 'denied' }, redirectTo: { type: 'string', format: 'uri', description: 'The Alexa redirect URL with error=access_denied.' } },
      },
      {
        type: 'object',
        required: ['outcome', 'error', 'error_description', 'redirectTo'],
        additionalProperties: false,
        properties: {
          outcome: { const: 'error' },
          error: { type: 'string', description: 'The OAuth error code (RFC 6749 §4.1.2.1), e.g. invalid_scope.' },
          error_description: { type: 'string' },
          redirectTo: { type: 'string', format: 'uri', description: 'The Alexa redirect URL with the error.' },
        },
      },
    ],
  },
};

const bearer = [{ appUser: [] }, { backend: ['app_links'] }];

/**
 * The OpenAPI 3.1 description of the app-to-app JSON API the company's apps call, generated from the same
 * error table the endpoints use. `serverUrl` is the service's public URL.
 */
export function appLinksOpenApi(serverUrl: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Linkwright app-to-app linking API',
      version: '1',
      description:
        'What the company\'s iOS and Android apps call to link a user\'s account with Alexa from inside the app, and to let the Alexa app link through the company\'s app. Every call carries a bearer token of one of three callers: the app\'s own token from this service\'s app client (a public client: authorization code + PKCE), a token of the identity provider the accounts live in, or the company backend\'s service token (client_credentials, scope `app_links`) with the user named in the `Linkwright-User` header. Tokens issued to an Alexa client are never accepted. Errors are `{ error, error_description }`; switch on `error` (see ErrorCode).',
    },
    servers: [{ url: serverUrl }],
    security: bearer,
    paths: {
      '/app-links/start': {
        post: {
          operationId: 'startLinking',
          summary: 'Start linking from the app',
          description: 'Creates a single-use attempt (10 minutes by default) and returns the URLs to open. No request body.',
          parameters: [LINKWRIGHT_USER],
          responses: {
            200: { description: 'Open alexaAppUrl (or lwaFallbackUrl without the Alexa app).', content: json(ref('StartResponse')) },
            400: errorResponse('Linkwright-User is missing with a service token, malformed, or sent with a user token.', ['invalid_request']),
            401: UNAUTHORIZED,
            403: forbidden([]),
            404: USER_UNKNOWN,
            429: errorResponse('Too many attempts in a short time.', ['too_many_requests']),
            500: SERVER_ERROR,
            503: UNAVAILABLE,
          },
        },
      },
      '/app-links/complete': {
        post: {
          operationId: 'completeLinking',
          summary: 'Finish linking with the code from the return URL',
          description: 'Call when the return URL (APP_REDIRECT_URL) opens the app with `code` and `state`. Succeeds only once Amazon has enabled the skill and linked the account.',
          parameters: [LINKWRIGHT_USER],
          requestBody: { required: true, content: json(ref('CompleteRequest')) },
          responses: {
            200: { description: 'The skill is enabled and the account linked.', content: json(ref('CompleteResponse')) },
            400: errorResponse('The attempt or the code cannot be used; start again.', ['invalid_request', 'state_invalid', 'state_expired', 'state_reused', 'amazon_code_rejected']),
            401: UNAUTHORIZED,
            403: forbidden(['skill_disabled', 'skill_stage_not_allowed']),
            404: USER_UNKNOWN,
            413: errorResponse('The body is larger than 16 kB.', ['invalid_request']),
            500: SERVER_ERROR,
            502: errorResponse('The service is misconfigured at Amazon; tell support.', ['amazon_client_misconfigured', 'enablement_refused']),
            503: UNAVAILABLE,
          },
        },
      },
      '/app-links/status': {
        get: {
          operationId: 'linkStatus',
          summary: "The user's link, as Amazon sees it now",
          parameters: [LINKWRIGHT_USER],
          responses: {
            200: { description: 'Decide between "Link with Alexa" and "Unlink" on `linked`.', content: json(ref('LinkStatus')) },
            400: errorResponse('Linkwright-User is missing with a service token, malformed, or sent with a user token.', ['invalid_request']),
            401: UNAUTHORIZED,
            403: forbidden(['skill_stage_not_allowed']),
            404: USER_UNKNOWN,
            500: SERVER_ERROR,
            502: errorResponse('The service is misconfigured at Amazon; tell support.', ['amazon_client_misconfigured']),
            503: UNAVAILABLE,
          },
        },
      },
      '/app-links/link': {
        delete: {
          operationId: 'unlink',
          summary: 'Unlink: disable the skill at Amazon and revoke the Alexa grants',
          description: "If Amazon cannot be reached nothing changes, so the call can simply be repeated. Only the Alexa clients' grants are revoked: the app's own session (a token of the app client) stays signed in.",
          parameters: [LINKWRIGHT_USER],
          responses: {
            200: { description: 'The link is gone.', content: json(ref('UnlinkResponse')) },
            400: errorResponse('Linkwright-User is missing with a service token, malformed, or sent with a user token.', ['invalid_request']),
            401: UNAUTHORIZED,
            403: forbidden(['skill_stage_not_allowed']),
            404: USER_UNKNOWN,
            500: SERVER_ERROR,
            502: errorResponse('The service is misconfigured at Amazon; tell support.', ['amazon_client_misconfigured']),
            503: UNAVAILABLE,
          },
        },
      },
      '/app-links/authorize': {
        post: {
          operationId: 'authorizeFromAlexaApp',
          summary: 'Linking started in the Alexa app: get the redirect for the Alexa app',
          description:
            'When the Alexa app opens the platform authorization URL, the company\'s app shows its consent screen, then posts the query parameters here with the user\'s decision and opens `redirectTo`. Only when accounts live in this service.',
          parameters: [LINKWRIGHT_USER],
          requestBody: { required: true, content: json(ref('AuthorizeRequest')) },
          responses: {
            200: { description: 'Open redirectTo.', content: json(ref('AuthorizeResponse')) },
            400: errorResponse('The client or redirect URI is not registered (never redirected), or the body is malformed.', ['invalid_request']),
            401: UNAUTHORIZED,
            403: forbidden([]),
            404: USER_UNKNOWN,
            413: errorResponse('The body is larger than 16 kB.', ['invalid_request']),
            500: SERVER_ERROR,
            503: errorResponse('Retry later.', ['temporarily_unavailable']),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        appUser: {
          type: 'http',
          scheme: 'bearer',
          description: "The signed-in user's access token, as the app holds it (Authorization header only): issued by this service to its app client, or by the identity provider the accounts live in.",
        },
        backend: {
          type: 'oauth2',
          description: "The company backend's service token; every call then names its user in the Linkwright-User header.",
          flows: { clientCredentials: { tokenUrl: `${serverUrl}/oauth/token`, scopes: { app_links: 'Call /app-links/* on behalf of the user named in Linkwright-User.' } } },
        },
      },
      parameters: {
        LinkwrightUser: {
          name: 'Linkwright-User',
          in: 'header',
          required: false,
          description:
            "Only with the backend's service token, and then required: the user the call is for, by the id the company's directory uses: the username of a local account, the upstream provider's `sub` (LOGIN_SOURCE=oidc), the company API's `user_id` (LOGIN_SOURCE=api), or the LWA user_id / OIDC `sub` when Alexa links through that provider. Visible ASCII, at most 255 characters. Refused with a user's own token.",
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        },
      },
      schemas,
    },
  };
}

/** GET /app-links/openapi.json. */
export function serveOpenApi(publicUrl: string) {
  const body = JSON.stringify(appLinksOpenApi(publicUrl), null, 2);
  return (_req: Request, res: Response): void => {
    res.status(200).setHeader('Cache-Control', 'public, max-age=3600').type('application/json').send(body);
  };
}

// `npx tsx app-links/openapi.ts [publicUrl]` prints the document (openapi/app-links.json is this output).
if (require.main === module) {
  process.stdout.write(`${JSON.stringify(appLinksOpenApi(process.argv[2] ?? 'https://linking.example.com'), null, 2)}\n`);
}
