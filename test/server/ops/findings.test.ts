import { expect } from 'chai';
import { loadSettings } from '../../../server/config/settings';
import { trafficFindings } from '../../../server/ops/diagnostics';
import type { TrafficSummary, ValueTraffic } from '../../../server/ops/traffic';

const settings = loadSettings({ OAUTH_CLIENT_ID: 'alexa-skill', ALEXA_VENDOR_ID: 'M2VENDOR', OAUTH_REDIRECT_URIS: 'https://client.example.com/cb', DEMO_ACCOUNT: 'false' });
const seen = (value: string, authorize: number, token = 0): ValueTraffic => ({ value, authorize: { count: authorize, lastSeen: authorize ? 1 : undefined }, token: { count: token, lastSeen: token ? 1 : undefined } });
const vendorUrls = settings.oauth.redirectUris.filter((uri) => uri.includes('M2VENDOR'));

function summary(overrides: Partial<TrafficSummary> = {}): TrafficSummary {
  return {
    clients: [seen('alexa-skill', 3, 2)],
    redirectUris: [seen(vendorUrls[0] as string, 3, 2), seen(vendorUrls[1] as string, 0), seen(vendorUrls[2] as string, 0), seen('https://client.example.com/cb', 0)],
    unrecognised: [],
    ...overrides,
  };
}

describe('what the diagnostics page finds in the traffic', () => {
  it('finds nothing wrong when the registered client and a vendor URL are in use (unused regions are normal)', () => {
    const used = summary({ redirectUris: [seen(vendorUrls[0] as string, 3, 2), seen(vendorUrls[1] as string, 0), seen(vendorUrls[2] as string, 0), seen('https://client.example.com/cb', 1, 1)] });
    expect(trafficFindings(settings, used)).to.deep.equal([]);
  });

  it('names an extra registered redirect URI nobody uses', () => {
    expect(trafficFindings(settings, summary())).to.deep.equal([
      "The redirect URI https://client.example.com/cb (OAUTH_REDIRECT_URIS) has not been used: check it against the client's configuration, or remove it.",
    ]);
  });

  it('says when nothing arrived at all', () => {
    const none = summary({ clients: [seen('alexa-skill', 0)], redirectUris: vendorUrls.map((uri) => seen(uri, 0)) });
    expect(trafficFindings(settings, none)).to.deep.equal([
      "No authorization or token request has arrived in the last 30 days: nobody has tried to link yet, or the console's Authorization URI points elsewhere.",
    ]);
  });

  it('names a client id nobody uses and the unregistered one that arrives instead', () => {
    const findings = trafficFindings(
      settings,
      summary({ clients: [seen('alexa-skill', 0)], redirectUris: [...vendorUrls.map((uri) => seen(uri, 0)), seen('https://client.example.com/cb', 1)], unrecognised: [{ at: 1, endpoint: 'authorize', kind: 'client_id', value: 'amzn-console-id' }] }),
    );
    expect(findings).to.include('The client id alexa-skill (OAUTH_CLIENT_ID) has not been used: the console\'s "Your Client ID" probably differs.');
    expect(findings).to.include('Requests named client ids that are not registered (latest: amzn-console-id at authorize): set the console\'s "Your Client ID" to alexa-skill.');
    expect(findings).to.include('No authorization request used the Alexa redirect URLs of ALEXA_VENDOR_ID=M2VENDOR: check the vendor id against the console\'s "Alexa Redirect URLs".');
  });

  it('names the vendor id Alexa actually uses, once, and other unregistered redirect URIs', () => {
    const findings = trafficFindings(
      settings,
      summary({
        redirectUris: [seen(vendorUrls[0] as string, 3, 2), seen('https://client.example.com/cb', 1)],
        unrecognised: [
          { at: 3, endpoint: 'authorize', kind: 'redirect_uri', value: 'https://layla.amazon.com/api/skill/link/M2REAL' },
          { at: 2, endpoint: 'authorize', kind: 'redirect_uri', value: 'https://pitangui.amazon.com/api/skill/link/M2REAL' },
          { at: 1, endpoint: 'token', kind: 'redirect_uri', value: 'https://elsewhere.example.com/cb' },
        ],
      }),
    );
    expect(findings).to.deep.equal([
      'Alexa redirect URLs for vendor id M2REAL arrived, but ALEXA_VENDOR_ID is M2VENDOR: set ALEXA_VENDOR_ID=M2REAL.',
      'Redirect URIs that are not registered arrived (latest: https://elsewhere.example.com/cb): add them to OAUTH_REDIRECT_URIS only if that client is yours.',
    ]);
  });
});
