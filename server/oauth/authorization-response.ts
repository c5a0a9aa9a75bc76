/**
 * The URL the browser is sent to with the authorization response. Parameters are appended to the
 * registered redirect URI as it is (its own query kept byte for byte), never re-serialised.
 */
export function authorizationResponseUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  const encoded = query.toString();
  if (encoded === '') return redirectUri;
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${encoded}`;
}
