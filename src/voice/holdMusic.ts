/**
 * A short, gentle hold tune rendered once at start-up as 8 kHz 16-bit mono WAV, so the queue needs no
 * outside audio host. Its length sets how often a waiting caller's wait URL is fetched again, and so
 * how soon a freed agent is offered the head of the queue.
 */
const RATE = 8000;
// A slow C-major arpeggio: (frequency Hz, seconds).
const NOTES: Array<[number, number]> = [
  [261.63, 0.6], [329.63, 0.6], [392.0, 0.6], [523.25, 1.2],
  [392.0, 0.6], [329.63, 0.6], [293.66, 0.6], [349.23, 1.2],
  [440.0, 0.6], [349.23, 0.6], [293.66, 0.6], [246.94, 1.2],
  [293.66, 0.6], [392.0, 0.6], [329.63, 0.6], [261.63, 1.8],
];

function render(): Buffer {
  const samples: number[] = [];
  for (const [freq, seconds] of NOTES) {
    const n = Math.round(seconds * RATE);
    for (let i = 0; i < n; i++) {
      const t = i / RATE;
      // Soft attack and decay so notes do not click; a quiet fifth above for warmth.
      const envelope = Math.min(1, t / 0.05) * Math.exp((-2.2 * t) / seconds);
      const v = Math.sin(2 * Math.PI * freq * t) + 0.3 * Math.sin(2 * Math.PI * freq * 1.5 * t);
      samples.push(Math.round(v * envelope * 0.25 * 32767));
    }
  }
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => data.writeInt16LE(Math.max(-32768, Math.min(32767, s)), i * 2));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(RATE, 24);
  header.writeUInt32LE(RATE * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

export const HOLD_MUSIC_WAV: Buffer = render();
export const HOLD_MUSIC_SECONDS = NOTES.reduce((sum, [, s]) => sum + s, 0);
