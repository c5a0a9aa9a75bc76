import { expect } from 'chai';
import { main } from '../../scripts/alexa-config';

const ENV = {
  PUBLIC_URL: 'https://link.example.com',
  OAUTH_CLIENT_ID: 'alexa-skill',
  OAUTH_CLIENT_SECRET: 'a-long-random-client-secret-0123456789',
  ALEXA_VENDOR_ID: 'M2TESTVENDOR1',
  DEMO_ACCOUNT: 'false',
  ALEXA_PLUS_CLIENT_ID: 'ride-hailer-plus',
  ALEXA_PLUS_CLIENT_SECRET: 'plus-secret-0123456789abcdefghijkl',
  ALEXA_PLUS_REDIRECT_URIS: 'https://alexa-plus.example/link',
};

function command(args: string[], env: Record<string, string | undefined>): { code: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, env, (line) => out.push(line), (line) => err.push(line));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run alexa:config -- --addon (the Alexa+ MCP add-on)', () => {
  it('prints the MCP URL, the metadata, both tiers and the client, with the secret a placeholder unless asked', () => {
    const run = command(['--addon'], ENV);
    expect(run.code, run.err).to.equal(0);
    expect(run.out).to.include('MCP server URL (Streamable HTTP): https://link.example.com/mcp');
    expect(run.out).to.include('Protected resource metadata (RFC 9728): https://link.example.com/.well-known/oauth-protected-resource/mcp');
    expect(run.out).to.include('Token URI: https://link.example.com/oauth/token');
    expect(run.out).to.include('Client ID: ride-hailer-plus');
    expect(run.out).to.include('Client secret: <ALEXA_PLUS_CLIENT_SECRET>');
    expect(run.out).to.include('Tier 1 (service level): client_credentials');
    expect(run.out).to.match(/PKCE S256 \(required\)/);
    expect(run.out).to.include('Redirect URLs registered: https://alexa-plus.example/link');
    expect(run.out).to.not.include(ENV.ALEXA_PLUS_CLIENT_SECRET);
    expect(command(['--addon', '--with-secret'], ENV).out).to.include(`Client secret: ${ENV.ALEXA_PLUS_CLIENT_SECRET}`);
  });

  it('follows MCP_RESOURCE_URL to a company\'s own MCP server', () => {
    const run = command(['--addon'], { ...ENV, MCP_RESOURCE_URL: 'https://mcp.ridehailer.example/v1/mcp' });
    expect(run.out).to.include('MCP server URL (Streamable HTTP): https://mcp.ridehailer.example/v1/mcp');
    expect(run.out).to.include('Protected resource metadata (RFC 9728): https://mcp.ridehailer.example/.well-known/oauth-protected-resource/v1/mcp');
  });

  it('exits 1 saying what is missing: no Alexa+ client, or the endpoint turned off', () => {
    const none = command(['--addon'], { ...ENV, ALEXA_PLUS_CLIENT_ID: undefined, ALEXA_PLUS_CLIENT_SECRET: undefined, ALEXA_PLUS_REDIRECT_URIS: undefined });
    expect(none.code).to.equal(1);
    expect(none.err).to.match(/No Alexa\+ add-on client is registered: set ALEXA_PLUS_CLIENT_ID/);
    const off = command(['--addon'], { ...ENV, MCP_ENABLED: 'false' });
    expect(off.code).to.equal(1);
    expect(off.err).to.match(/MCP_ENABLED is false/);
  });
});
