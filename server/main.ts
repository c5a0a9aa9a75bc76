import { startupBanner } from './banner';
import { loadSettings, type Settings } from './config/settings';
import { SettingsError } from './config/env';
import { createLogger } from './log';
import { startService } from './runtime';

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
  const log = createLogger(settings.logLevel);
  const running = await startService(settings, { log });
  if (settings.demo) {
    const existing = await running.services.accounts.findByName(settings.demo.username);
    if (!existing) await running.services.accounts.create({ username: settings.demo.username, password: settings.demo.password, displayName: 'Demo Rider' });
    else if (!settings.demo.passwordGenerated) await running.services.accounts.setPassword(settings.demo.username, settings.demo.password);
  }
  if (!settings.production) console.log(startupBanner(settings, running.url));
  log.info({ event: 'service.started', url: running.url, publicUrl: settings.publicUrl }, 'service started');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'service.stopping', signal }, 'draining connections');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Linkwright failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
