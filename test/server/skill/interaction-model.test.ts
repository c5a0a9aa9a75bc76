import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { CUSTOM_INTENTS } from '../../../server/skill/intents';

interface Intent {
  name: string;
  slots?: Array<{ name: string; type: string }>;
  samples: string[];
}
interface Model {
  interactionModel: { languageModel: { invocationName: string; intents: Intent[] } };
}

const LOCALES = ['en-US', 'de-DE'];
const REQUIRED_BUILT_INS = ['AMAZON.HelpIntent', 'AMAZON.StopIntent', 'AMAZON.CancelIntent', 'AMAZON.NavigateHomeIntent', 'AMAZON.FallbackIntent', 'AMAZON.YesIntent', 'AMAZON.NoIntent'];

function model(locale: string): Model {
  return JSON.parse(readFileSync(`skill-package/interactionModels/custom/${locale}.json`, 'utf8')) as Model;
}

describe('skill package: interaction models', () => {
  for (const locale of LOCALES) {
    describe(locale, () => {
      const language = model(locale).interactionModel.languageModel;

      it('declares exactly the intents the skill code knows, plus the required built-ins', () => {
        const names = language.intents.map((intent) => intent.name);
        expect(names.filter((name) => !name.startsWith('AMAZON.')).sort()).to.deep.equal(Object.keys(CUSTOM_INTENTS).sort());
        for (const builtIn of REQUIRED_BUILT_INS) expect(names, builtIn).to.include(builtIn);
      });

      it('uses only declared slots in samples, has no duplicate samples, and keeps samples speakable', () => {
        const seen = new Set<string>();
        for (const intent of language.intents) {
          const slots = new Set((intent.slots ?? []).map((slot) => slot.name));
          for (const sample of intent.samples) {
            for (const [, slot] of sample.matchAll(/\{(\w+)\}/g)) expect(slots.has(slot as string), `${intent.name}: ${sample}`).to.equal(true);
            expect(sample, `${intent.name}: ${sample}`).not.to.match(/[0-9?!.,]/);
            const key = sample.toLowerCase();
            expect(seen.has(key), `duplicate sample "${sample}"`).to.equal(false);
            seen.add(key);
          }
          if (!intent.name.startsWith('AMAZON.')) expect(intent.samples.length, intent.name).to.be.at.least(5);
        }
      });

      it('has a valid invocation name (lower case, at least two words)', () => {
        expect(language.invocationName).to.match(/^[a-zäöüß]+( [a-zäöüß]+)+$/);
      });
    });
  }

  it('publishes the same locales in skill.json and subscribes to the events the skill handles', () => {
    const manifest = JSON.parse(readFileSync('skill-package/skill.json', 'utf8')) as {
      manifest: { publishingInformation: { locales: Record<string, unknown> }; events: { subscriptions: Array<{ eventName: string }> } };
    };
    expect(Object.keys(manifest.manifest.publishingInformation.locales).sort()).to.deep.equal([...LOCALES].sort());
    const events = manifest.manifest.events.subscriptions.map((subscription) => subscription.eventName);
    expect(events).to.include.members(['SKILL_DISABLED', 'SKILL_ACCOUNT_LINKED']);
  });
});
