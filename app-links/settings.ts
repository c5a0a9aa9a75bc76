import type { EnvReader } from '../server/config/env';

/** Settings of the app-to-app companion (filled in by the app-links issue). */
export interface AppLinksSettings {
  enabled: boolean;
}

/** Reads the app-to-app companion's settings. */
export function parseAppLinksSettings(read: EnvReader, _production: boolean, _publicUrl: string): AppLinksSettings {
  return { enabled: read.boolean('APP_LINKS_ENABLED', true) };
}
