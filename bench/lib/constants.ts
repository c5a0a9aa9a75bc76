/** Fixed identities every server in the bench shares, so each answers the same requests. */
export const BENCH_CLIENT_ID = 'alexa-bench-client';
export const BENCH_CLIENT_SECRET = 'bench-secret-0123456789abcdefghijkl';
export const BENCH_VENDOR_ID = 'M2BENCHVENDOR';
/** The first of the three Alexa redirect URIs for the vendor (what Alexa's US region sends). */
export const BENCH_REDIRECT_URI = `https://pitangui.amazon.com/api/skill/link/${BENCH_VENDOR_ID}`;
export const BENCH_SCOPE = 'profile';
export const BENCH_SKILL_ID = 'amzn1.ask.skill.00000000-0000-4000-8000-00000000bench';
/** HTTP Basic credentials, as Alexa sends them by default (client_secret_basic). */
export const BENCH_BASIC_AUTH = `Basic ${Buffer.from(`${encodeURIComponent(BENCH_CLIENT_ID)}:${encodeURIComponent(BENCH_CLIENT_SECRET)}`).toString('base64')}`;
