/**
 * `linkwright`: the whole service (OAuth 2.0 authorization server, skill endpoint, app-to-app companion,
 * diagnostics) as a value. Importing this module starts nothing.
 *
 * ```ts
 * import { createLinkwright } from 'linkwright';
 * const linkwright = createLinkwright();   // settings from the environment
 * await linkwright.start();
 * ```
 * @packageDocumentation
 */
export { createLinkwright, type Linkwright, type LinkwrightDeps, type Listening } from './linkwright';
export { loadSettings, type Settings } from './config/settings';
export { SettingsError } from './config/env';
