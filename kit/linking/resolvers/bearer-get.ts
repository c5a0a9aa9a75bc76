import axios from 'axios';

/**
 * GETs a provider's profile endpoint with an access token: JSON, a timeout, only a 200 counts.
 * Redirects are refused so the token is never forwarded to a host the provider did not name.
 */
export async function bearerGet<T>(url: string, token: string, timeoutMs: number): Promise<T> {
  const response = await axios.get<T>(url, {
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
    timeout: timeoutMs,
    maxRedirects: 0,
    validateStatus: (status) => status === 200,
  });
  return response.data;
}

/** The HTTP status an error from {@link bearerGet} carries, or undefined when no answer came. */
export function statusOf(error: unknown): number | undefined {
  return axios.isAxiosError(error) ? error.response?.status : undefined;
}
