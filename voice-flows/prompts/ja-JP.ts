import type { PromptSet } from './types.js';

const CHANNEL_NAMES: Record<string, string> = {
  phone: 'この緊急電話窓口',
  chat: 'ライブチャット',
  ticket: 'サポートチケット',
  'ticket-billing-only': '請求、アカウント、レジストラに関するサポートチケット',
  community: 'コミュニティフォーラム',
  discord: 'Discordコミュニティ',
};

const digits = (value: string | number | undefined) => String(value ?? "").split('').join(' ');

/** Japanese prompts; deadlines are read in Japan time. */
export const jaJP: PromptSet = {
  language: 'ja-JP',
  voice: 'Polly.Mizuki',
  text: {
    welcome: '緊急サポート窓口です。',
    switchOffer: '日本語は米印を押してください。',
    askId: 'お客様IDと、シャープを押してください。',
    invalidId: 'そのお客様IDは正しくありません。',
    askCode: 'ダッシュボードか認証アプリの、6桁のコードを入力してください。',
    noMatch: 'IDとコードが一致しませんでした。',
    codeUsed: 'そのコードはすでに使われています。次のコードが表示されたら、入力してください。',
    notHeard: '申し訳ありません、入力を確認できませんでした。',
    notAnOption: 'その番号は選択肢にありません。',
    tooManyTries:
      'お手続きを完了できませんでした。ダッシュボードにサインインし、サポートを開いてください。失礼いたします。',
    verificationFailed:
      'アカウントを確認できませんでした。ダッシュボードにサインインし、サポートを開いてください。失礼いたします。',
    callerLimited:
      'この電話回線からは、現在これ以上の確認をお受けできません。ダッシュボードにサインインし、サポートを開いてください。失礼いたします。',
    verificationUnavailable:
      'ただいま、このお電話では自動の本人確認をご利用いただけません。担当者におつなぎし、別の方法で確認させていただきます。そのままお待ちください。',
    heldCallback:
      'ただいま、このお電話では自動の本人確認をご利用いただけません。このお客様IDに電話番号が登録されている場合は、その番号にエンジニアから折り返しお電話します。失礼いたします。',
    deskWhisperLocked: (p) =>
      `緊急窓口からの、本人確認が済んでいないお電話です。ID末尾 ${digits(p.ending)} は、コードの誤りが${p.failures}回続いたためロックされています。別の方法で本人確認をしてください。`,
    deskWhisperLimited: (p) =>
      `緊急窓口からの、本人確認が済んでいないお電話です。ID末尾 ${digits(p.ending)}。この電話番号は、コードの誤りが${p.failures}回あったため制限されています。別の方法で本人確認をしてください。`,
    verified: '確認できました。',
    incidents: (p) => `現在、次の障害が発生しています。${p.names}。`,
    askPriority: 'サイトの停止や攻撃は1、一部の地域は2、その他は3を押してください。',
    connecting: 'エンジニアにおつなぎします。',
    allBusy: 'ただいまエンジニアは全員ほかのお電話に対応しています。優先の順番待ちにおつなぎしますので、そのままお待ちください。',
    queuePosition: (p) =>
      `エンジニアにおつなぎするまで、あなたは${p.position}番目です。折り返しのお電話をご希望の場合は、いつでも1を押してください。`,
    stillTrying: '引き続きエンジニアにおつなぎしています。そのままお待ちください。',
    noAgentCallback: (p) =>
      `ただいまエンジニアが対応できないため、優先度1の折り返しのお電話を予約しました。お電話から${p.within}以内、${p.deadline}までにエンジニアからお電話します。受付番号は ${digits(p.reference)} です。失礼いたします。`,
    noAgentCallbackNow: (p) =>
      `ただいまエンジニアが対応できないため、優先度1の折り返しのお電話を予約しました。できるだけ早くエンジニアからお電話します。受付番号は ${digits(p.reference)} です。失礼いたします。`,
    p2Booked: (p) =>
      `折り返しのお電話を予約しました。お電話から${p.within}以内、${p.deadline}までにエンジニアからお電話します。受付番号は ${digits(p.reference)} です。`,
    p2Menu:
      '別の電話番号におかけする場合は1を、問題の内容を短く録音する場合は2を押してください。このまま電話を切っていただいても結構です。',
    needCallbackNumber: '折り返し先の電話番号が必要です。',
    askCallbackNumber: '折り返し先の電話番号を国番号から入力し、最後にシャープを押してください。',
    invalidNumber: 'その電話番号にはおかけできません。国番号から入力してください。日本の番号なら、81に続けて、最初の0を除いた番号です。',
    numberRefusedRange:
      '申し訳ありません。有料情報サービスやナビダイヤルなどの番号、衛星電話の番号にはおかけできません。固定電話か携帯電話の番号を入力してください。',
    numberRefusedCountry: '申し訳ありません。その国の電話番号にはおかけできません。この窓口が対応している国の番号を入力してください。',
    numberOnFile: (p) => `ご登録の、末尾 ${digits(p.ending)} の電話番号にお電話します。`,
    numberChanged: (p) => `ありがとうございます。末尾 ${digits(p.ending)} の番号にお電話します。`,
    recordPrompt: '発信音のあとに、問題の内容を短くお話しください。終わりましたらシャープを押してください。',
    recordingSaved: 'ありがとうございます。録音は折り返しの予約とともに保存しました。失礼いたします。',
    recordingSkipped: '録音はありませんでした。折り返しの予約はそのまま有効です。失礼いたします。',
    callbackStillBooked: '折り返しの予約はそのまま有効です。失礼いたします。',
    goodbye: '失礼いたします。',
    p3Info: (p) =>
      `この窓口は緊急のお問い合わせ専用です。パフォーマンスの問題、アカウントに関するご質問、一般的なご質問は、ダッシュボードにサインインし、サポート、お問い合わせの順に選んでサポートチケットを作成してください。${p.tier}エンタープライズの初回応答目標は${p.target}です。失礼いたします。`,
    notEnterprise: (p) =>
      `緊急電話窓口はエンタープライズのお客様専用です。お客様のプランでは${p.channels}をご利用いただけます。ダッシュボードにサインインし、サポートを選んでください。失礼いたします。`,
    whisper: (p) =>
      `確認済みの${p.tier}エンタープライズのお客様、${p.name}、ID末尾 ${digits(p.ending)}、優先度1です。${Number(p.failures) > 0 ? `このIDには過去24時間にコードの誤りが${p.failures}回ありました。対応の前にご確認ください。` : ''}応答するには1を押してください。`,
    whisperAccepted: 'おつなぎします。',
    sorryBackup: '申し訳ありません、システムに問題が発生しました。予備の窓口におつなぎします。',
    sorryCallAgain: '申し訳ありません、システムに問題が発生しました。数分後におかけ直しください。',
  },
  duration: (ms) => `${Math.round(ms / 3_600_000)}時間`,
  deadline(atMs) {
    const parts = new Intl.DateTimeFormat('ja-JP', {
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
      timeZone: 'Asia/Tokyo',
    }).formatToParts(atMs);
    const hour = parts.find((p) => p.type === 'hour')?.value ?? '';
    const minute = parts.find((p) => p.type === 'minute')?.value ?? '';
    return `日本時間の${Number(hour)}時${Number(minute)}分`;
  },
  tier: (tier) => (tier === 'premium' ? 'プレミアム' : 'スタンダード'),
  channels: (channels) => channels.map((c) => CHANNEL_NAMES[c] ?? c).join('、'),
};
