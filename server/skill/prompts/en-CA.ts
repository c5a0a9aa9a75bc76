import { enUS } from './en-US';
import type { PromptSet } from './types';

/** Canadian English: Toronto as the example city. */
export const enCA: PromptSet = {
  ...enUS,
  reprompt: () => 'You can say: order a ride, or: are rides available in Toronto? What would you like to do?',
  help: ({ skill }) =>
    `${skill} can tell you whether rides are available in a city. Just ask, for example: are rides available in Toronto? Once your account is linked, you can also say: order a ride. What would you like to do?`,
};
