/**
 * Peer: the plain ASK SDK express adapter answering a LaunchRequest, as a typical skill is written:
 * ExpressAdapter(skill, false, false) (no signature or timestamp check, as the brief's baseline), a
 * handler that verifies the account-linking access token with jsonwebtoken (RS256, a KeyObject
 * built once) and speaks, or sends the LinkAccount card when the token is missing or bad.
 */
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import { SkillBuilders, getRequestType, type HandlerInput, type RequestHandler } from 'ask-sdk-core';
import { ExpressAdapter } from 'ask-sdk-express-adapter';
import express from 'express';
import jwt from 'jsonwebtoken';
import { serveChild } from './child';

const publicPem = process.env.PEER_TOKEN_PUBLIC_KEY;
if (!publicPem) throw new Error('PEER_TOKEN_PUBLIC_KEY is required');
const publicKey = createPublicKey(publicPem);
const issuer = process.env.PEER_TOKEN_ISSUER ?? 'https://auth.example';

const launch: RequestHandler = {
  canHandle: (input: HandlerInput) => getRequestType(input.requestEnvelope) === 'LaunchRequest',
  handle: (input: HandlerInput) => {
    const token = input.requestEnvelope.context.System.user.accessToken;
    if (token) {
      try {
        const claims = jwt.verify(token, publicKey, { algorithms: ['RS256'], issuer }) as jwt.JwtPayload;
        return input.responseBuilder.speak(`Welcome back, ${String(claims.sub)}. What would you like to do?`).reprompt('What would you like to do?').getResponse();
      } catch {
        // Fall through: an invalid token is answered like a missing one.
      }
    }
    return input.responseBuilder.speak('Please link your account in the Alexa app; I have sent a card.').withLinkAccountCard().getResponse();
  },
};

const skill = SkillBuilders.custom().addRequestHandlers(launch).create();
const app = express();
app.disable('x-powered-by');
app.post('/alexa', new ExpressAdapter(skill, false, false).getRequestHandlers());
void serveChild(createServer(app));
