import { ALEXA_REDIRECT_URL, type ClientSettings } from '../config/clients-file';
import type { Settings } from '../config/settings';
import type { TrafficSummary, ValueTraffic } from './traffic';

/**
 * Mismatches between the configuration and what callers actually sent, each a sentence an operator can
 * act on, judged client by client (several Alexa skills, the app and services may share a deployment):
 * a client id or vendor id nobody uses, values that are not registered (another vendor id in an Alexa
 * redirect URL says exactly which setting is wrong), or no traffic at all. The setting named is the one
 * the deployment uses: the single-client settings, or CLIENTS_FILE.
 */
export function trafficFindings(settings: Settings, traffic: TrafficSummary): string[] {
  const findings: string[] = [];
  const { oauth } = settings;
  const fromFile = oauth.clientsFile !== undefined;
  const all = [...traffic.clients, ...traffic.redirectUris];
  const anyKnown = all.some((t) => t.authorize.count > 0 || t.token.count > 0);
  if (!anyKnown && traffic.unrecognised.length === 0) {
    findings.push("No authorization or token request has arrived in the last 30 days: nobody has tried to link yet, or the console's Authorization URI points elsewhere.");
    return findings;
  }
  const trafficOf = (rows: ValueTraffic[], value: string) => rows.find((r) => r.value === value);
  const unused = (row: ValueTraffic | undefined) => row !== undefined && row.authorize.count === 0 && row.token.count === 0;
  const alexaClients = oauth.clients.filter((c) => c.kind === 'alexa');
  const vendorIds = new Set(alexaClients.flatMap((c) => (c.alexaVendorId ? [c.alexaVendorId] : [])));

  for (const client of oauth.clients) {
    if (!unused(trafficOf(traffic.clients, client.clientId))) continue;
    findings.push(
      fromFile
        ? `The client id ${client.clientId} (CLIENTS_FILE, kind ${client.kind}) has not been used${client.kind === 'alexa' ? ': the console\'s "Your Client ID" of that skill probably differs.' : '.'}`
        : `The client id ${client.clientId} (OAUTH_CLIENT_ID) has not been used: the console's "Your Client ID" probably differs.`,
    );
  }
  for (const client of alexaClients) {
    const vendor = client.alexaVendorId;
    if (vendor === undefined) continue;
    const vendorUrls = traffic.redirectUris.filter((r) => client.redirectUris.includes(r.value) && ALEXA_REDIRECT_URL.exec(r.value)?.[1] === vendor);
    if (vendorUrls.length > 0 && vendorUrls.every((r) => r.authorize.count === 0)) {
      findings.push(
        fromFile
          ? `No authorization request used the Alexa redirect URLs of alexa_vendor_id ${vendor} (client ${client.clientId}): check the vendor id against that skill's "Alexa Redirect URLs".`
          : `No authorization request used the Alexa redirect URLs of ALEXA_VENDOR_ID=${vendor}: check the vendor id against the console's "Alexa Redirect URLs".`,
      );
    }
  }

  // Alexa's three regional URLs are judged together above (one region may see no users); any other registered URI is its own client's.
  for (const client of oauth.clients) {
    for (const uri of client.redirectUris) {
      const vendorUrl = client.alexaVendorId !== undefined && ALEXA_REDIRECT_URL.exec(uri)?.[1] === client.alexaVendorId;
      // The app's redirect URL is only ever named by Alexa redeeming an app-to-app code: unused until someone links.
      if (vendorUrl || uri === oauth.devCallbackUri || uri === settings.appLinks.appRedirectUrl || !unused(trafficOf(traffic.redirectUris, uri))) continue;
      findings.push(
        fromFile
          ? `The redirect URI ${uri} (client ${client.clientId} in CLIENTS_FILE) has not been used: check it against the client's configuration, or remove it.`
          : `The redirect URI ${uri} (OAUTH_REDIRECT_URIS) has not been used: check it against the client's configuration, or remove it.`,
      );
    }
  }

  const unknownClients = traffic.unrecognised.filter((u) => u.kind === 'client_id');
  if (unknownClients[0]) {
    const expected = alexaClients.map((c) => c.clientId).join(' or ') || oauth.clientId;
    findings.push(`Requests named client ids that are not registered (latest: ${unknownClients[0].value} at ${unknownClients[0].endpoint}): set the console's "Your Client ID" to ${expected}.`);
  }
  const vendorsSeen = new Set<string>();
  for (const u of traffic.unrecognised.filter((v) => v.kind === 'redirect_uri')) {
    const vendor = ALEXA_REDIRECT_URL.exec(u.value)?.[1];
    if (vendor !== undefined && !vendorIds.has(vendor)) vendorsSeen.add(vendor);
  }
  for (const vendor of vendorsSeen) {
    findings.push(
      fromFile
        ? `Alexa redirect URLs for vendor id ${vendor} arrived, but no Alexa client in CLIENTS_FILE has alexa_vendor_id ${vendor} (registered: ${[...vendorIds].join(', ') || 'none'}): add it to that skill's client.`
        : `Alexa redirect URLs for vendor id ${vendor} arrived, but ALEXA_VENDOR_ID is ${oauth.vendorId ?? 'unset'}: set ALEXA_VENDOR_ID=${vendor}.`,
    );
  }
  const otherRedirects = traffic.unrecognised.filter((u) => u.kind === 'redirect_uri' && !ALEXA_REDIRECT_URL.test(u.value));
  if (otherRedirects[0]) {
    findings.push(
      `Redirect URIs that are not registered arrived (latest: ${otherRedirects[0].value}): add them to ${fromFile ? "the client's redirect_uris in CLIENTS_FILE" : 'OAUTH_REDIRECT_URIS'} only if that client is yours.`,
    );
  }
  return findings;
}

/** One registered client as the overview lists it: its policy and what it was sent. */
export interface ClientDiagnostics {
  client: ClientSettings;
  traffic: ValueTraffic | undefined;
  redirects: ValueTraffic[];
}

/** Each registered client with its own traffic, for the overview's client table. */
export function clientDiagnostics(settings: Settings, traffic: TrafficSummary): ClientDiagnostics[] {
  return settings.oauth.clients.map((client) => ({
    client,
    traffic: traffic.clients.find((t) => t.value === client.clientId),
    redirects: traffic.redirectUris.filter((t) => client.redirectUris.includes(t.value)),
  }));
}
