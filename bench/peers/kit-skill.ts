/**
 * The kit path as a company would run it: a plain ask-sdk-core skill behind node:http, every request
 * verified with linkwright/verify (signature on, the bench's test chain), the linked user from
 * linkwright/ask-sdk's interceptor (a Linkwright access token, verified against the running service's
 * JWKS), and a LaunchRequest handler that greets the user or answers with the link card.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { SkillBuilders, type RequestHandler } from 'ask-sdk-core';
import { createLinkingKit } from '../../kit/ask-sdk';
import { createAlexaVerifier } from '../../kit/verify';
import { serveChild } from './child';

const issuer = process.env.LINKWRIGHT_URL;
const rootsFile = process.env.SKILL_TRUSTED_ROOTS_FILE;
if (!issuer || !rootsFile) throw new Error('LINKWRIGHT_URL and SKILL_TRUSTED_ROOTS_FILE are required');

const kit = createLinkingKit({ issuer, skillName: 'Bench Skill' });
const verifier = createAlexaVerifier({
  applicationId: process.env.SKILL_ID,
  trustedRootPems: [readFileSync(rootsFile, 'utf8')],
  certFetchBase: process.env.SKILL_CERT_FETCH_BASE,
});

const launch: RequestHandler = {
  canHandle: (input) => input.requestEnvelope.request.type === 'LaunchRequest',
  async handle(input) {
    const user = await kit.linkedUser(input);
    if (user === undefined) return kit.linkAccountResponse(input);
    return input.responseBuilder.speak(`Welcome back, ${user.userId}. What would you like to do?`).reprompt('What would you like to do?').getResponse();
  },
};
const skill = SkillBuilders.custom().addRequestInterceptors(kit.requestInterceptor).addRequestHandlers(...kit.requestHandlers, launch).addErrorHandlers(kit.errorHandler).create();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    verifier
      .verify(Buffer.concat(chunks), req.headers)
      .then(async (envelope) => {
        const body = JSON.stringify(await skill.invoke(envelope));
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      })
      .catch(() => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_request"}'));
  });
});
void serveChild(server);
