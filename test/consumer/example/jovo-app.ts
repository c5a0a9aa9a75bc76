import { App, BaseComponent, Component, Global, Intents } from '@jovotech/framework';
import { AlexaPlatform } from '@jovotech/platform-alexa';
import { linkAccountResponse, LinkwrightPlugin } from 'linkwright/jovo';

@Global()
@Component()
class PantryComponent extends BaseComponent {
  @Intents(['ReorderIntent'])
  reorder() {
    const user = this.$linkwright?.user;
    if (user === undefined) return this.$send(linkAccountResponse(this));
    return this.$send({ message: `Reordered for ${user.userId}, linked as ${user.level}.`, listen: false });
  }

  UNHANDLED() {
    return this.$send({ message: 'Say: reorder.', listen: true });
  }
}

export const app = new App({
  plugins: [new AlexaPlatform(), new LinkwrightPlugin({ issuer: process.env.LINKWRIGHT_URL ?? 'https://link.example.com', skillName: 'Acme Pantry' })],
  components: [PantryComponent],
});
