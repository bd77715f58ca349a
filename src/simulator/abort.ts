import type { Transcript } from './transcript.js';

/** Thrown to stop a walk once its cause is in the transcript as an error event. */
export class WalkAborted extends Error {}

/** Records why the walk cannot go on, then stops it; the walker turns this into an 'error' end. */
export function abortWalk(transcript: Transcript, message: string): never {
  transcript.add({ kind: 'error', message });
  throw new WalkAborted(message);
}
