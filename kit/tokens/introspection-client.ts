/** Credentials a resource server introspects with (INTROSPECTION_CLIENT_ID/SECRET at Linkwright). */
export interface IntrospectionCredentials {
  /** The introspection client's id (INTROSPECTION_CLIENT_ID). */
  clientId: string;
  /** Its secret (INTROSPECTION_CLIENT_SECRET); sent only to the issuer, never logged. */
  clientSecret: string;
}

/**
 * Asks an RFC 7662 endpoint whether a token is active, authenticating with HTTP Basic (id and secret
 * form-encoded first, RFC 6749 §2.3.1). Anything but a 200 with a boolean `active` is thrown: the caller
 * cannot tell, so it must not decide either way.
 */
export async function introspect(endpoint: string, credentials: IntrospectionCredentials, token: string, timeoutMs: number): Promise<boolean> {
  const encode = (text: string) => encodeURIComponent(text).replace(/%20/g, '+');
  const response = await fetch(endpoint, {
    method: 'POST',
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${encode(credentials.clientId)}:${encode(credentials.clientSecret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ token, token_type_hint: 'access_token' }).toString(),
  });
  if (response.status !== 200) throw new Error(`introspection answered ${response.status}`);
  const body = (await response.json()) as { active?: unknown };
  if (typeof body?.active !== 'boolean') throw new Error('introspection answer has no boolean "active"');
  return body.active;
}
