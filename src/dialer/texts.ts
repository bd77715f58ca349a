/**
 * What the callback dialer says and texts, in both languages of the line. Agents hear the whisper
 * in the callback's language if they speak it; customers hear and read their call's language.
 */
import { regionOf } from '../domain/callingCodes.js';
import type { Tier } from '../domain/customer.js';
import type { CallbackPriority, CallbackReason } from '../domain/storage/callbacks.js';
import { PROMPTS, type Language } from '../../voice-flows/prompts/index.js';

export interface WhisperFacts {
  tier: Tier;
  name: string;
  ending: string;
  priority: CallbackPriority;
  reason: CallbackReason;
  /** Minutes to the deadline; negative once it has passed. */
  minutesLeft: number;
  /** 1-based try at the customer this round would be. */
  tryNumber: number;
  /**
   * The calling code of the number to call when the caller asked for one that is neither the number
   * they called from nor their phone on file, else null: the agent should know before dialing it.
   */
  otherNumberCountry: string | null;
  /** Booked for a caller refused by a lock or a number limit: the engineer verifies them another way. */
  unverified: { reason: 'locked' | 'number-limited'; failures: number } | null;
}

export interface DialerTexts {
  whisper(f: WhisperFacts): string;
  description: string;
  pressOne: string;
  noKey: string;
  taken: string;
  callingCustomer: string;
  customerAnnouncement(reference: string): string;
  /** The customer's gate: nothing is bridged until a key is pressed (a voicemail presses none). */
  customerPressAnyKey: string;
  customerConnecting: string;
  /** To the customer (or their voicemail) when no key came: the next try in minutes, or null after the last. */
  customerNoKey(minutesToNextTry: number | null): string;
  /** To the customer who pressed a key after the callback moved on (the engineer hung up). */
  customerNotConnected: string;
  customerNoAnswer(minutesToNextTry: number): string;
  customerNoAnswerLastTry: string;
  /** To the agent: the customer's phone answered, nobody pressed a key. */
  customerNoKeyAgent(minutesToNextTry: number | null): string;
  callEnded: string;
  sorry: string;
  sms(reference: string, dueAt: number): string;
}

const spaced = (digits: string) => digits.split('').join(' ');

const REGION_NAMES: Record<Language, Intl.DisplayNames> = {
  'en-US': new Intl.DisplayNames(['en'], { type: 'region' }),
  'ja-JP': new Intl.DisplayNames(['ja'], { type: 'region' }),
};
// ICU's names that read badly aloud ("Hong Kong SAR China"), and +1, which is two countries.
const NAMED: Record<Language, Record<string, string>> = {
  'en-US': { '1': 'the United States or Canada', HK: 'Hong Kong', MO: 'Macao' },
  'ja-JP': { '1': 'アメリカ合衆国またはカナダ', HK: '香港', MO: 'マカオ' },
};
const WITH_THE = /^(United |Czech |Dominican |Central African )|(Islands|Republic|Emirates)$|^(Netherlands|Philippines|Bahamas|Gambia|Maldives|Comoros)$/;

/** The country a calling code reaches, as a sentence names it: "the United Kingdom", "イギリス". */
export function countryName(language: Language, code: string): string {
  const region = regionOf(code);
  const known = NAMED[language][code] ?? (region && NAMED[language][region]);
  if (known) return known;
  const name = region && region !== 'international' ? REGION_NAMES[language].of(region) : undefined;
  if (!name) return language === 'ja-JP' ? `国番号 ${spaced(code)}` : `country code ${spaced(code)}`;
  return language === 'en-US' && WITH_THE.test(name) ? `the ${name}` : name;
}

const enDeadline = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'UTC',
});
const jaParts = new Intl.DateTimeFormat('ja-JP', {
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Asia/Tokyo',
});
/** "11月24日 0時05分", read in Japan time. */
function jaDeadline(atMs: number): string {
  const parts = jaParts.formatToParts(atMs);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return `${part('month')}月${part('day')}日 ${part('hour')}時${String(part('minute')).padStart(2, '0')}分`;
}

const en: DialerTexts = {
  whisper(f) {
    const reason = f.unverified
      ? `The caller could not be verified: ${f.unverified.reason === 'locked' ? `the ID is locked after ${f.unverified.failures} failed codes` : `their number is limited after ${f.unverified.failures} failed codes`}. This call goes to the phone on file; verify the customer another way before acting.`
      : f.reason === 'p2'
        ? 'They reported a priority 2 problem: one location or region affected.'
        : 'No engineer answered their priority 1 call: site down or under attack.';
    const left =
      f.minutesLeft >= 0
        ? `${f.minutesLeft} ${f.minutesLeft === 1 ? 'minute' : 'minutes'} left to the deadline.`
        : `The deadline passed ${-f.minutesLeft} ${f.minutesLeft === -1 ? 'minute' : 'minutes'} ago.`;
    const tier = PROMPTS['en-US'].tier(f.tier);
    const which = f.tryNumber > 1 ? ` This is try ${f.tryNumber} at the customer.` : '';
    const other =
      f.otherNumberCountry === null ? '' : ` The customer asked to be called at a different number, in ${countryName('en-US', f.otherNumberCountry)}.`;
    return `Callback for ${tier} Enterprise customer ${f.name}, ID ending ${spaced(f.ending)}, ${f.priority === 'P1' ? 'priority 1' : 'priority 2'}.${other} ${reason} ${left}${which}`;
  },
  description: 'Their recorded description:',
  pressOne: 'Press 1 to accept and call the customer now.',
  noKey: 'Not accepted. The callback goes to the next engineer. Goodbye.',
  taken: 'This callback has already been taken or is no longer waiting. Goodbye.',
  callingCustomer: 'Calling the customer now.',
  customerAnnouncement: (reference) =>
    `Hello, this is the emergency support line, calling you back about your request, reference ${spaced(reference)}.`,
  customerPressAnyKey: 'Press any key to be connected to an engineer.',
  customerConnecting: 'Connecting you now.',
  customerNoKey: (minutes) =>
    minutes === null
      ? 'This was our last try. If you still need help, please call the emergency line. Goodbye.'
      : `We will call you again in ${minutes} minutes. If you need help sooner, please call the emergency line. Goodbye.`,
  customerNotConnected: 'Sorry, the engineer is no longer on the line. We will call you again shortly. Goodbye.',
  customerNoAnswer: (minutes) => `The customer did not answer. We will try again in ${minutes} minutes. Goodbye.`,
  customerNoAnswerLastTry: 'The customer did not answer the last try. The callback is marked failed in the console. Goodbye.',
  customerNoKeyAgent: (minutes) =>
    `The customer's phone answered, but nobody pressed a key: perhaps a voicemail. ${
      minutes === null ? 'That was the last try. The callback is marked failed in the console.' : `We will try again in ${minutes} minutes.`
    } Goodbye.`,
  callEnded: 'The call with the customer has ended. Goodbye.',
  sorry: 'Sorry, something went wrong with this callback. Please check the console. Goodbye.',
  sms: (reference, dueAt) =>
    `Emergency support: an engineer will call you back by ${enDeadline.format(dueAt)} UTC. Your reference is ${reference}. When we call, press any key to be connected.`,
};

const ja: DialerTexts = {
  whisper(f) {
    const reason = f.unverified
      ? `発信者の本人確認はできていません。${f.unverified.reason === 'locked' ? `このIDはコードの誤りが${f.unverified.failures}回続いたためロックされています。` : `発信元の番号はコードの誤りが${f.unverified.failures}回あったため制限されています。`}登録済みの電話番号に発信しますので、対応の前に別の方法で本人確認をしてください。`
      : f.reason === 'p2'
        ? '優先度2、ひとつの地域や拠点に影響がある問題のご報告です。'
        : '優先度1のお電話にエンジニアが応答できなかったお客様です。'
    const left = f.minutesLeft >= 0 ? `期限まで残り${f.minutesLeft}分です。` : `期限を${-f.minutesLeft}分過ぎています。`;
    const tier = PROMPTS['ja-JP'].tier(f.tier);
    const which = f.tryNumber > 1 ? `お客様への${f.tryNumber}回目の発信です。` : '';
    const other =
      f.otherNumberCountry === null ? '' : `お客様は、別の番号への折り返しをご希望です。${countryName('ja-JP', f.otherNumberCountry)}の番号です。`;
    return `${tier}エンタープライズのお客様、${f.name}、ID末尾 ${spaced(f.ending)} への折り返しです。${other}${reason}${left}${which}`;
  },
  description: '録音されたお問い合わせ内容です。',
  pressOne: '対応してお客様に発信するには1を押してください。',
  noKey: '対応されませんでした。この折り返しは次のエンジニアに回します。失礼いたします。',
  taken: 'この折り返しはすでに他のエンジニアが対応しているか、対応の必要がなくなりました。失礼いたします。',
  callingCustomer: 'お客様に発信します。',
  customerAnnouncement: (reference) =>
    `緊急サポート窓口です。受付番号 ${spaced(reference)} のお問い合わせについて、折り返しお電話いたしました。`,
  customerPressAnyKey: 'エンジニアにおつなぎしますので、いずれかのボタンを押してください。',
  customerConnecting: 'おつなぎします。',
  customerNoKey: (minutes) =>
    minutes === null
      ? '今回が最後の折り返しのお電話でした。引き続きお困りの場合は、緊急窓口にお電話ください。失礼いたします。'
      : `${minutes}分後にもう一度お電話いたします。お急ぎの場合は、緊急窓口にお電話ください。失礼いたします。`,
  customerNotConnected: '申し訳ありません、エンジニアとの接続が切れました。まもなくもう一度お電話いたします。失礼いたします。',
  customerNoAnswer: (minutes) => `お客様が応答しませんでした。${minutes}分後にもう一度発信します。失礼いたします。`,
  customerNoAnswerLastTry: 'お客様が最後の発信にも応答しませんでした。この折り返しはコンソールで失敗と表示されます。失礼いたします。',
  customerNoKeyAgent: (minutes) =>
    `お客様の電話は応答しましたが、ボタンが押されませんでした。留守番電話の可能性があります。${
      minutes === null ? '今回が最後の発信でした。この折り返しはコンソールで失敗と表示されます。' : `${minutes}分後にもう一度発信します。`
    }失礼いたします。`,
  callEnded: 'お客様との通話が終了しました。失礼いたします。',
  sorry: '申し訳ありません、この折り返しで問題が発生しました。コンソールをご確認ください。失礼いたします。',
  sms: (reference, dueAt) =>
    `緊急サポート：日本時間${jaDeadline(dueAt)}までにエンジニアから折り返しお電話します。受付番号は ${reference} です。お電話の際は、いずれかのボタンを押すとおつなぎします。`,
};

export const DIALER_TEXTS: Readonly<Record<Language, DialerTexts>> = { 'en-US': en, 'ja-JP': ja };
