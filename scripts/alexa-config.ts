import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SettingsError } from '../server/config/env';
import { loadSettings } from '../server/config/settings';
import { addonConfiguration } from '../server/addon/addon-config';
import { alexaConfiguration, consoleLines, SECRET_PLACEHOLDER } from '../server/ops/alexa-config';
import { accountLinkingFile, findSkillPackage, readSkillPackage, skillProjectFiles } from './alexa-config/skill-project';

const USAGE = `npm run alexa:config -- [options]

Writes the skill's account-linking configuration (skill-package/accountLinking.json, for
ask smapi update-account-linking-info) from the service's settings (the same environment variables as
npm start). Your own skill's manifest and models are left alone; --demo-skill writes the demo Ride Hailer
skill's whole ASK CLI project instead (manifest, interaction models, account linking).

  --out DIR        where to write the files (default dist/alexa-skill)
  --client ID      the Alexa client (skill) of CLIENTS_FILE to configure (default: the first)
  --demo-skill     also write the demo skill's manifest and interaction models (an ASK CLI project)
  --with-secret    put OAUTH_CLIENT_SECRET into accountLinking.json (default: a placeholder)
  --print          print the accountLinkingRequest JSON instead of writing files
  --addon          print what to enter for the Alexa+ MCP add-on (its client, both tiers, the MCP URL)
  --check          only check the settings; exit 1 when Alexa would refuse them
  --help           this text`;

/** Exit codes: 0 written/valid, 1 Alexa would refuse the settings, 2 bad arguments, 78 unreadable settings (EX_CONFIG). */
export function main(argv: string[], env: NodeJS.ProcessEnv, out: (line: string) => void, err: (line: string) => void): number {
  let options;
  try {
    options = parseArgs({
      args: argv,
      options: {
        out: { type: 'string', default: 'dist/alexa-skill' },
        client: { type: 'string' },
        'with-secret': { type: 'boolean', default: false },
        'demo-skill': { type: 'boolean', default: false },
        print: { type: 'boolean', default: false },
        check: { type: 'boolean', default: false },
        addon: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    out(USAGE);
    return 0;
  }

  let settings;
  try {
    settings = loadSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    err(`The settings cannot be read:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 78;
  }
  const includeSecret = options['with-secret'] === true;
  if (options.addon) {
    const placeholder = settings.oauth.clientsFile === undefined ? '<ALEXA_PLUS_CLIENT_SECRET>' : '<the client_secret of CLIENTS_FILE>';
    const addon = addonConfiguration(settings, { includeSecret, secretPlaceholder: placeholder });
    if (addon.problems.length > 0) {
      err(`The Alexa+ add-on cannot be registered yet:\n${addon.problems.map((p) => `  - ${p}`).join('\n')}`);
      return 1;
    }
    out('Enter these for the Alexa+ MCP add-on (Amazon\'s pages do not name the form\'s fields; see README, "What is unverified about Alexa+"):');
    for (const line of addon.lines) out(`  ${line}`);
    return 0;
  }
  const alexaIds = settings.oauth.clients.filter((c) => c.kind === 'alexa').map((c) => c.clientId);
  if (options.client !== undefined && !alexaIds.includes(options.client)) {
    err(`--client ${options.client} is not an Alexa client of these settings (Alexa clients: ${alexaIds.join(', ')})`);
    return 2;
  }
  const config = alexaConfiguration(settings, { includeSecret, clientId: options.client });
  if (includeSecret && settings.oauth.clientSecretGenerated) {
    config.problems.push('OAUTH_CLIENT_SECRET is unset, so the service makes up a new secret at every start: set it before writing it into the console');
  }
  if (config.problems.length > 0) {
    err(`Alexa would refuse this configuration; nothing was written:\n${config.problems.map((p) => `  - ${p}`).join('\n')}`);
    return 1;
  }
  if (options.check) {
    out('The account-linking configuration is one Alexa accepts:');
    for (const line of consoleLines(config, includeSecret ? config.accountLinking.clientSecret : SECRET_PLACEHOLDER)) out(line);
    return 0;
  }
  if (options.print) {
    out(JSON.stringify({ accountLinkingRequest: config.accountLinking }, null, 2));
    return 0;
  }

  const folder = resolve(options.out as string);
  const demoSkill = options['demo-skill'] === true;
  const files = demoSkill ? skillProjectFiles(config, readSkillPackage(findSkillPackage()), settings.appLinks.skillId ?? settings.skill.skillId) : [accountLinkingFile(config)];
  for (const file of files) {
    const target = join(folder, file.path);
    mkdirSync(dirname(target), { recursive: true });
    // A file that may hold the client secret is readable by its owner only.
    writeFileSync(target, file.text, { mode: file.secret ? 0o600 : 0o644 });
    if (file.secret) chmodSync(target, 0o600);
  }
  const report = [
    demoSkill ? `Wrote the demo skill's ASK CLI project to ${folder}:` : `Wrote the account-linking configuration to ${folder}:`,
    ...files.map((file) => `  ${file.path}`),
    '',
    'Account linking (as the developer console labels it):',
    ...consoleLines(config, includeSecret ? '(in accountLinking.json)' : SECRET_PLACEHOLDER),
    ...config.notes.map((note) => `Note: ${note}`),
    ...(includeSecret ? [] : [`Note: clientSecret is the placeholder ${SECRET_PLACEHOLDER}: put the value of OAUTH_CLIENT_SECRET there (or run with --with-secret)`]),
    '',
    'Next:',
    // Without --demo-skill nothing is deployed: `ask deploy` would overwrite the company's own skill.
    ...(demoSkill ? [`  cd ${folder} && ask deploy --target skill-metadata`] : [`  cd ${folder}`]),
    `  ask smapi update-account-linking-info -s ${settings.skill.skillId ?? '<skill id>'} -g development --account-linking-request file:skill-package/accountLinking.json`,
  ];
  for (const line of report) out(line);
  return 0;
}

if (require.main === module) {
  process.exitCode = main(
    process.argv.slice(2),
    process.env,
    (line) => console.log(line),
    (line) => console.error(line),
  );
}
