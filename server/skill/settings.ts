import type { EnvReader } from '../config/env';

/** Settings of the skill endpoint (filled in by the skill issue). */
export interface SkillSettings {
  /** When set, requests for any other application id are refused. */
  skillId: string | undefined;
  verifySignature: boolean;
}

/** Reads the skill endpoint's settings. */
export function parseSkillSettings(read: EnvReader, production: boolean): SkillSettings {
  const verifySignature = read.boolean('SKILL_VERIFY_SIGNATURE', true);
  if (production && !verifySignature) read.problem('SKILL_VERIFY_SIGNATURE=false is refused in production');
  return { skillId: read.string('SKILL_ID'), verifySignature };
}
