import type { Settings } from '../config/settings';
import type { TrafficSummary } from './traffic';

const ALEXA_REDIRECT = /^https:\/\/(?:pitangui\.amazon\.com|layla\.amazon\.com|alexa\.amazon\.co\.jp)\/api\/skill\/link\/([A-Za-z0-9]+)$/;

/**
 * Mismatches between the configuration and what callers actually sent, each a sentence an operator can
 * act on: a client id or vendor id nobody uses, values that are not registered (another vendor id in an
 * Alexa redirect URL says exactly which setting is wrong), or no traffic at all.
 */
export function trafficFindings(settings: Settings, traffic: TrafficSummary): string[] {
  const findings: string[] = [];
  const { oauth } = settings;
  const all = [...traffic.clients, ...traffic.redirectUris];
  const anyKnown = all.some((t) => t.authorize.count > 0 || t.token.count > 0);
  if (!anyKnown && traffic.unrecognised.length === 0) {
    findings.push("No authorization or token request has arrived in the last 30 days: nobody has tried to link yet, or the console's Authorization URI points elsewhere.");
    return findings;
  }

  for (const client of traffic.clients) {
    if (client.authorize.count === 0 && client.token.count === 0) {
      findings.push(`The client id ${client.value} (OAUTH_CLIENT_ID) has not been used: the console's "Your Client ID" probably differs.`);
    }
  }
  if (oauth.vendorId) {
    const vendorUrls = traffic.redirectUris.filter((r) => ALEXA_REDIRECT.exec(r.value)?.[1] === oauth.vendorId);
    if (vendorUrls.length > 0 && vendorUrls.every((r) => r.authorize.count === 0)) {
      findings.push(`No authorization request used the Alexa redirect URLs of ALEXA_VENDOR_ID=${oauth.vendorId}: check the vendor id against the console's "Alexa Redirect URLs".`);
    }
  }

  // Alexa's three regional URLs are judged together above (one region may see no users); any other registered URI is its own client's.
  for (const uri of traffic.redirectUris) {
    const alexas = ALEXA_REDIRECT.exec(uri.value)?.[1] === oauth.vendorId;
    // The app's redirect URL is only ever named by Alexa redeeming an app-to-app code: unused until someone links.
    if (!alexas && uri.value !== oauth.devCallbackUri && uri.value !== settings.appLinks.appRedirectUrl && uri.authorize.count === 0 && uri.token.count === 0) {
      findings.push(`The redirect URI ${uri.value} (OAUTH_REDIRECT_URIS) has not been used: check it against the client's configuration, or remove it.`);
    }
  }

  const unknownClients = traffic.unrecognised.filter((u) => u.kind === 'client_id');
  if (unknownClients[0]) {
    findings.push(`Requests named client ids that are not registered (latest: ${unknownClients[0].value} at ${unknownClients[0].endpoint}): set the console's "Your Client ID" to ${oauth.clientId}.`);
  }
  const vendorsSeen = new Set<string>();
  for (const u of traffic.unrecognised.filter((v) => v.kind === 'redirect_uri')) {
    const vendor = ALEXA_REDIRECT.exec(u.value)?.[1];
    if (vendor !== undefined && vendor !== oauth.vendorId) vendorsSeen.add(vendor);
  }
  for (const vendor of vendorsSeen) {
    findings.push(`Alexa redirect URLs for vendor id ${vendor} arrived, but ALEXA_VENDOR_ID is ${oauth.vendorId ?? 'unset'}: set ALEXA_VENDOR_ID=${vendor}.`);
  }
  const otherRedirects = traffic.unrecognised.filter((u) => u.kind === 'redirect_uri' && !ALEXA_REDIRECT.test(u.value));
  if (otherRedirects[0]) {
    findings.push(`Redirect URIs that are not registered arrived (latest: ${otherRedirects[0].value}): add them to OAUTH_REDIRECT_URIS only if that client is yours.`);
  }
  return findings;
}
