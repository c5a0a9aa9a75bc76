import { createServer } from 'node:http';
import { SkillBuilders, type RequestHandler } from 'ask-sdk-core';
import { createLinkingKit } from 'linkwright/ask-sdk';
import { createAlexaVerifier } from 'linkwright/verify';

const env = (name: string): string => process.env[name] ?? '';
// Introspection (Linkwright's INTROSPECTION_CLIENT_ID/SECRET) makes a revoked link "not linked" within 5 s.
const kit = createLinkingKit({ issuer: env('LINKWRIGHT_URL'), skillName: 'Acme Pantry',
  introspection: { clientId: env('INTROSPECTION_CLIENT_ID'), clientSecret: env('INTROSPECTION_CLIENT_SECRET') } });
const verifier = createAlexaVerifier({ applicationId: env('SKILL_ID') || undefined, verifySignature: env('SKILL_VERIFY_SIGNATURE') !== 'false' });

const reorder: RequestHandler = {
  canHandle: ({ requestEnvelope: { request } }) => request.type === 'IntentRequest' && request.intent.name === 'ReorderIntent',
  async handle(input) {
    const user = await kit.linkedUser(input);
    if (user === undefined) return kit.linkAccountResponse(input);
    return input.responseBuilder.speak(`Reordered for ${user.userId}, linked as ${user.level}.`).getResponse();
  },
};
const skill = SkillBuilders.custom().addRequestInterceptors(kit.requestInterceptor)
  .addRequestHandlers(...kit.requestHandlers, reorder).addErrorHandlers(kit.errorHandler).create();

createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const envelope = await verifier.verify(Buffer.concat(chunks), req.headers).catch(() => undefined);
  if (envelope === undefined) return void res.writeHead(400).end();
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(await skill.invoke(envelope)));
}).listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
