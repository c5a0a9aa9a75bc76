import type { PromptSet } from './types';

/** Japanese (polite form). */
export const jaJP: PromptSet = {
  welcome: ({ skill }) =>
    `${skill}へようこそ。お住まいの都市で配車を利用できるか確認できます。配車を依頼するには、${skill}のアカウントをリンクしてください。何をしますか？`,
  welcomeBack: ({ skill, name }) => `${name}さん、${skill}へおかえりなさい。配車を依頼したり、都市ごとの配車状況を確認したりできます。何をしますか？`,
  welcomeWithLinkCard: ({ skill }) =>
    `${skill}へようこそ。配車を依頼するには、${skill}のアカウントをリンクしてください。Alexaアプリに手順を送りました。それまでは、お住まいの都市で配車を利用できるか確認できます。何をしますか？`,
  offerLink: ({ skill }) => `${skill}へようこそ。配車を依頼するには、${skill}のアカウントをリンクする必要があります。今すぐリンクしますか？`,
  reprompt: () => '「配車を依頼して」や「東京で配車はある？」のように言ってください。何をしますか？',
  help: ({ skill }) =>
    `${skill}では、都市ごとに配車を利用できるか確認できます。たとえば「東京で配車はある？」と聞いてください。アカウントをリンクすると、「配車を依頼して」と言うこともできます。何をしますか？`,
  askCity: () => 'どの都市を確認しますか？',
  available: ({ skill, city, minutes }) => `${city}では${skill}を利用できます。一番近い車は約${minutes}分の場所にいます。`,
  unavailable: ({ skill, city }) => `すみません、${skill}は${city}ではまだご利用いただけません。`,
  rideOrdered: ({ name, minutes, destination }) =>
    `${name}さん、${destination ? `${destination}までの` : ''}配車を手配しました。ドライバーは約${minutes}分でお迎えに上がります。`,
  linkNeeded: ({ skill }) =>
    `配車を依頼するには、乗車場所とお支払い方法を使うために、${skill}があなたのアカウントを確認する必要があります。アカウントをリンクする手順をAlexaアプリに送りました。`,
  linkCardRequested: ({ skill }) => `${skill}のアカウントをリンクする手順をAlexaアプリに送りました。リンクが完了すると、話しかけるだけで配車を依頼できます。`,
  linkIntro: ({ skill }) => `わかりました。${skill}のアカウントをリンクしましょう。`,
  linkIntroForOrder: ({ skill }) => `配車を依頼するには、まず${skill}のアカウントをリンクする必要があります。`,
  linkedThanks: ({ skill }) => `ありがとうございます。${skill}のアカウントがリンクされました。`,
  linkedWhatNext: ({ skill }) => `ありがとうございます。${skill}のアカウントがリンクされました。いつでも配車を依頼できます。何をしますか？`,
  linkedAskToOrder: ({ skill }) => `ありがとうございます。${skill}のアカウントがリンクされました。今すぐ配車を依頼しますか？`,
  alreadyLinked: ({ skill, name }) => `${name}さん、${skill}のアカウントはすでにリンクされています。いつでも配車を依頼できます。何をしますか？`,
  linkDeclined: () => 'わかりました。お住まいの都市で配車を利用できるかは、引き続き確認できます。何をしますか？',
  fallback: ({ skill }) => `すみません、${skill}ではそのご要望にお応えできません。配車を依頼したり、都市ごとの配車状況を確認したりできます。何をしますか？`,
  goodbye: ({ skill }) => `${skill}をご利用いただきありがとうございました。さようなら。`,
  apology: ({ skill }) => `すみません、${skill}で問題が発生しています。数分後にもう一度お試しください。`,
};
