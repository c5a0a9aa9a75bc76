/** Plain-language lines for the consent page, for the scopes this service is usually set up with. */
const DESCRIPTIONS: Record<string, string> = {
  profile: 'Know who you are: your name and account id',
  email: 'See your email address',
  offline_access: 'Stay linked until you unlink it',
};

/** What granting a scope lets the client do, in words a user can judge. */
export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope] ?? `Use your account for "${scope}"`;
}
