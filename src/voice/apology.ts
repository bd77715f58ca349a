import { sayNode } from './render.js';
import { el, twimlDocument } from './twiml.js';

/** What a caller hears when anything fails: an apology in both languages and the backup line. */
export function apologyTwiml(backupNumber: string | undefined): string {
  const key = backupNumber ? 'sorryBackup' : 'sorryCallAgain';
  return twimlDocument([
    sayNode({ key }, 'en-US'),
    sayNode({ key }, 'ja-JP'),
    backupNumber ? el('Dial', { timeout: 30 }, el('Number', {}, backupNumber)) : el('Hangup'),
  ]);
}
