import type { CliContext } from './command.js';

/**
 * Reads a new password: typed twice without echo at a terminal, else the first line of standard
 * input (`printf '%s\n' "$PW" | hotline agents set-password 3`), so it never appears in argv or history.
 */
export async function readNewPassword(ctx: CliContext, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (!stdin.isTTY) return firstLine(stdin);
  const first = await promptHidden('New password: ', ctx, stdin);
  const again = await promptHidden('Repeat it: ', ctx, stdin);
  if (first !== again) throw new Error('the two passwords differ; nothing was changed');
  return first;
}

async function firstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += chunk.toString();
    if (text.includes('\n') || text.length > 4096) break;
  }
  return text.split(/\r?\n/)[0]!;
}

function promptHidden(question: string, ctx: CliContext, stdin: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    ctx.stderr.write(question);
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      ctx.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled; nothing was changed'));
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}
