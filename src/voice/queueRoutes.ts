import type { Router } from 'express';
import type { P1Queue } from './queue.js';
import type { CallRepository } from '../db/callRepository.js';
import { HOLD_MUSIC_WAV } from './holdMusic.js';
import type { Language } from '../../voice-flows/prompts/index.js';

const CALL_SID = /^CA[0-9a-zA-Z]{32}$/;

/** The P1 queue's wait and key URLs, on the signed voice router. */
export function addQueueRoutes(
  router: Router,
  deps: { queue: P1Queue; calls: CallRepository; writes<T>(work: () => T): Promise<T> },
): void {
  const xml = (res: import('express').Response, body: string) => res.status(200).type('text/xml').send(body);

  router.post('/queue/wait', async (req, res) => {
    const callSid = String(req.query.call ?? '');
    if (!CALL_SID.test(callSid)) return xml(res, '<?xml version="1.0" encoding="UTF-8"?><Response><Leave/></Response>');
    xml(
      res,
      await deps.writes(() => deps.queue.wait(callSid, (deps.calls.get(callSid)?.language ?? 'en-US') as Language)),
    );
  });

  router.post('/queue/key', async (req, res) => {
    const callSid = String(req.query.call ?? '');
    const digits = typeof req.body?.Digits === 'string' ? (req.body.Digits as string) : undefined;
    xml(res, await deps.writes(() => deps.queue.key(CALL_SID.test(callSid) ? callSid : '', digits)));
  });
}

/** The hold tune, public like any audio Twilio plays (it carries nothing about anyone). */
export function holdMusicRoute(router: Router): void {
  router.get('/hold-music.wav', (_req, res) => {
    res.status(200).type('audio/wav').set('Cache-Control', 'public, max-age=86400').send(HOLD_MUSIC_WAV);
  });
}
