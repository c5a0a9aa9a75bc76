import { createLinkwright, loadSettings } from 'linkwright';

/** The whole service embedded in a company's process: settings from the environment, nothing starts on import. */
export async function startLinkwright(): Promise<() => Promise<void>> {
  const linkwright = createLinkwright(loadSettings(process.env));
  const { url } = await linkwright.start();
  console.log(`Linkwright on ${url}, issuer ${linkwright.settings.publicUrl}`);
  return () => linkwright.stop();
}
