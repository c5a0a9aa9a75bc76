#!/usr/bin/env node
// The `linkwright` command and `npm start`: the service from the environment, until SIGTERM.
import type { AccountDirectory } from './accounts/directory';
import { startupBanner } from './banner';
import { ServiceError } from './errors';
import { loadSettings, type Settings } from './config/settings';
import { SettingsError } from './config/env';
import { createLinkwright } from './linkwright';
import { createLogger } from './log';

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`Linkwright cannot start:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const log = createLogger(settings.logLevel, undefined, { pretty: !settings.production && process.stdout.isTTY === true });
  const linkwright = createLinkwright(settings, { log });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'service.stopping', signal }, 'draining connections');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    linkwright.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  // Before the port opens, so a platform that sees /healthz answer can rely on the demo account and on a
  // SIGTERM draining connections rather than killing them (stop() is safe before start() has finished).
  // The demo account only makes sense where Linkwright's own accounts sign users in.
  if (settings.demo && settings.login.kind === 'local') await seedDemoAccount(linkwright.services.accounts, settings.demo);
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  const running = await linkwright.start();
  if (!settings.production) console.log(startupBanner(settings, running));
  log.info({ event: 'service.started', listening: running.listening, url: running.url, publicUrl: settings.publicUrl }, 'service started');
}

/**
 * Makes sure the development account exists with the configured password. Several processes sharing
 * one store may start together: whoever loses the race to create it sets the password instead.
 */
async function seedDemoAccount(accounts: AccountDirectory, demo: NonNullable<Settings['demo']>): Promise<void> {
  const existing = await accounts.findByName(demo.username);
  if (!existing) {
    try {
      await accounts.create({ username: demo.username, password: demo.password, displayName: 'Demo Rider' });
      return;
    } catch (error) {
      if (!(error instanceof ServiceError && error.code === 'account_exists')) throw error;
    }
  }
  await accounts.setPassword(demo.username, demo.password);
}

main().catch((error: unknown) => {
  console.error('Linkwright failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
