import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AlexaConfiguration } from '../../server/ops/alexa-config';

/** One file of the ASK CLI project: its path relative to the project folder and its text. */
export interface ProjectFile {
  path: string;
  text: string;
  /** True for files that may hold the client secret (written readable by the owner only). */
  secret?: boolean;
}

/** The checked-in skill package the project is built from: manifest template and interaction models. */
export interface SkillPackageSource {
  manifest: Record<string, unknown>;
  /** Locale → interaction model JSON text, as checked in. */
  models: Record<string, string>;
}

/** Finds the repository's skill-package/ from here (works from the source tree and from a compiled dist/). */
export function findSkillPackage(start: string = __dirname): string {
  for (let dir = start, depth = 0; depth < 6; dir = dirname(dir), depth += 1) {
    const candidate = join(dir, 'skill-package');
    if (existsSync(join(candidate, 'skill.json'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`skill-package/skill.json not found above ${start}`);
}

/** Reads the manifest template and every interaction model of a skill-package folder. */
export function readSkillPackage(folder: string): SkillPackageSource {
  const manifest = JSON.parse(readFileSync(join(folder, 'skill.json'), 'utf8')) as Record<string, unknown>;
  const modelsDir = join(folder, 'interactionModels', 'custom');
  const models: Record<string, string> = {};
  for (const file of readdirSync(modelsDir).filter((name) => /^[a-z]{2}-[A-Z]{2}\.json$/.test(name)).sort()) {
    const text = readFileSync(join(modelsDir, file), 'utf8');
    JSON.parse(text); // a broken model must stop the command, not reach Amazon
    models[file.replace(/\.json$/, '')] = text;
  }
  return { manifest, models };
}

/**
 * The files of an ASK CLI (v2) project for the skill: ask-resources.json, .ask/ask-states.json when the
 * skill id is known, and skill-package/ with the manifest (endpoints set to this service), the interaction
 * models and accountLinking.json (`{ "accountLinkingRequest": … }`, the body SMAPI's accountLinkingClient
 * and `ask smapi update-account-linking-info` take).
 */
export function skillProjectFiles(config: AlexaConfiguration, source: SkillPackageSource, skillId: string | undefined): ProjectFile[] {
  const endpoint = { uri: config.skillEndpoint, sslCertificateType: 'Trusted' };
  const manifest = structuredClone(source.manifest) as { manifest?: Record<string, unknown> };
  const body = (manifest.manifest ??= {}) as { apis?: { custom?: Record<string, unknown> }; events?: Record<string, unknown> };
  body.apis = { ...body.apis, custom: { ...body.apis?.custom, endpoint } };
  if (body.events) body.events = { ...body.events, endpoint };

  const files: ProjectFile[] = [
    { path: 'ask-resources.json', text: json({ askcliResourcesVersion: '2020-03-31', profiles: { default: { skillMetadata: { src: './skill-package' } } } }) },
    { path: 'skill-package/skill.json', text: json(manifest) },
    accountLinkingFile(config),
    ...Object.entries(source.models).map(([locale, text]) => ({ path: `skill-package/interactionModels/custom/${locale}.json`, text })),
  ];
  if (skillId) files.push({ path: '.ask/ask-states.json', text: json({ askcliStatesVersion: '2020-03-31', profiles: { default: { skillId } } }) });
  return files;
}

/** skill-package/accountLinking.json: the body `ask smapi update-account-linking-info` takes (may hold the secret). */
export function accountLinkingFile(config: AlexaConfiguration): ProjectFile {
  return { path: 'skill-package/accountLinking.json', text: json({ accountLinkingRequest: config.accountLinking }), secret: true };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
