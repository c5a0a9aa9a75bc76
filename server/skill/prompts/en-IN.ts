import { enUS } from './en-US';
import type { PromptSet } from './types';

/** Indian English: Mumbai as the example city, "cab" as riders there say it. */
export const enIN: PromptSet = {
  ...enUS,
  reprompt: () => 'You can say: book a ride, or: are rides available in Mumbai? What would you like to do?',
  help: ({ skill }) =>
    `${skill} can tell you whether rides are available in a city. Just ask, for example: are rides available in Mumbai? Once your account is linked, you can also say: book a ride. What would you like to do?`,
  available: ({ skill, city, minutes }) => `Good news: ${skill} operates in ${city}. The nearest cab is about ${minutes} minutes away.`,
};
