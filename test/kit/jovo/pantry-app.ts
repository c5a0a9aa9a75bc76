import { App, BaseComponent, Component, Global, Intents } from '@jovotech/framework';
import { AlexaPlatform } from '@jovotech/platform-alexa';
import { LinkAccountOutput, linkAccountResponse, linkedUser, LinkwrightPlugin, type LinkwrightPluginOptions } from '../../../kit/jovo';

/** A company's Jovo app as the README shows it: one intent that needs the user, one that does not. */
@Global()
@Component()
export class PantryComponent extends BaseComponent {
  LAUNCH() {
    return this.reorder();
  }

  @Intents(['ReorderIntent'])
  reorder() {
    const user = this.$linkwright?.user;
    if (user === undefined) return this.$send(linkAccountResponse(this, { state: { then: 'reorder' } }));
    return this.$send({ message: `Reordered for ${user.userId}, linked as ${user.level}.`, listen: false });
  }

  @Intents(['ReorderLaterIntent'])
  reorderLater() {
    const user = linkedUser(this);
    if (user === undefined) return this.$send(LinkAccountOutput, { reason: 'requested' });
    return this.$send({ message: `Scheduled for ${user.userId}.`, listen: false });
  }

  @Intents(['OpeningHoursIntent'])
  openingHours() {
    return this.$send({ message: `Open nine to five. Status ${this.$linkwright?.status}.`, listen: false });
  }

  UNHANDLED() {
    return this.$send({ message: `The app's own answer to ${String(this.$alexa?.$request.request?.type)}.`, listen: false });
  }
}

/** The app with Alexa, the plugin with these options and the component; errors collected, not thrown. */
export function pantryApp(options: LinkwrightPluginOptions): { app: App; errors: Error[] } {
  const errors: Error[] = [];
  const app = new App({ plugins: [new AlexaPlatform(), new LinkwrightPlugin(options)], components: [PantryComponent], logging: false });
  app.onError((error) => {
    errors.push(error);
  });
  return { app, errors };
}
