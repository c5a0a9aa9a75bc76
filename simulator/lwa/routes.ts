import express, { type Express, type Request, type Response } from 'express';
import type { Customers } from '../customers';
import { noteExchange } from '../host';
import { sendPage } from '../pages';
import { type LoginWithAmazon, LwaTokenError } from './authority';

/** The paths Login with Amazon answers on, as in its production URLs. */
export const LWA_PATHS = { authorize: '/ap/oa', token: '/auth/o2/token', profile: '/user/profile' } as const;

/** Mounts Login with Amazon: the authorization page, the token endpoint and the profile API. */
export function mountLoginWithAmazon(app: Express, lwa: LoginWithAmazon, customers: Customers): void {
  app.get(LWA_PATHS.authorize, (req: Request, res: Response) => {
    noteExchange(res, { from: 'browser', to: 'www.amazon.com' });
    const outcome = lwa.authorize(req.query as Record<string, unknown>, customers.current(), customers.consentDecision());
    if (outcome.kind === 'page') {
      noteExchange(res, { note: outcome.message });
      sendPage(res, outcome.status, 'Login with Amazon', outcome.message);
      return;
    }
    noteExchange(res, { note: outcome.note });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, outcome.location);
  });

  app.post(LWA_PATHS.token, express.urlencoded({ extended: false, limit: '16kb' }), (req: Request, res: Response) => {
    noteExchange(res, { to: 'api.amazon.com' });
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    try {
      if (!req.is('application/x-www-form-urlencoded') || typeof req.body !== 'object') {
        throw new LwaTokenError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
      }
      const tokens = lwa.token(req.body as Record<string, unknown>, req.headers.authorization);
      noteExchange(res, { note: `${(req.body as Record<string, string>).grant_type}: tokens issued` });
      res.status(200).json(tokens);
    } catch (error) {
      if (!(error instanceof LwaTokenError)) throw error;
      noteExchange(res, { note: `${error.error}: ${error.description}` });
      res.status(400).json({ error: error.error, error_description: error.description });
    }
  });

  app.get(LWA_PATHS.profile, (req: Request, res: Response) => {
    noteExchange(res, { to: 'api.amazon.com' });
    res.setHeader('Cache-Control', 'no-store');
    const header = req.headers.authorization;
    const queryToken = typeof req.query.access_token === 'string' ? req.query.access_token : undefined;
    const token = header !== undefined ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : queryToken;
    const refuse = (status: number, error: string, description: string) => {
      noteExchange(res, { note: `${error}: ${description}` });
      if (status === 401) res.setHeader('WWW-Authenticate', `Bearer error="${error}"`);
      res.status(status).json({ error, error_description: description });
    };
    if (!token) return refuse(400, 'invalid_request', 'An access token is required (Authorization: Bearer).');
    const grant = lwa.verify(token);
    if (grant === 'expired') return refuse(401, 'invalid_token', 'The access token has expired.');
    if (!grant) return refuse(401, 'invalid_token', 'The access token is invalid.');
    const customer = lwa.customerOf(grant);
    if (!customer) return refuse(401, 'invalid_token', 'The access token is invalid.');
    const profile: Record<string, string> = {};
    if (grant.scope.includes('profile') || grant.scope.includes('profile:user_id')) profile.user_id = customer.id;
    if (grant.scope.includes('profile')) {
      profile.name = customer.name;
      profile.email = customer.email;
    }
    if (grant.scope.includes('postal_code') && customer.postalCode !== undefined) profile.postal_code = customer.postalCode;
    if (Object.keys(profile).length === 0) return refuse(403, 'insufficient_scope', 'The access token has no profile scope.');
    noteExchange(res, { note: `profile of ${customer.name}` });
    res.status(200).json(profile);
  });
}
