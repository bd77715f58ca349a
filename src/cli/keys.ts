import { randomBytes } from 'node:crypto';
import { readLocalSecrets, writeLocalSecrets, type Config } from '../config.js';
import { SealError } from '../crypto/secretBox.js';
import { commandGroup, emit, readArgs, type CliContext, type Command } from './command.js';

interface RotationResult {
  resealed: number;
  keyId: string;
  keySource: Config['secretKeySource'];
  secretsFile?: string;
}

const rotate: Command = {
  summary: 're-encrypt every stored secret under the current key',
  usage: [
    'usage: hotline keys rotate [--json]',
    '',
    'Re-seals every OTP secret under HOTLINE_SECRET_KEY in one transaction. Secrets sealed with an',
    'older key need that key in HOTLINE_SECRET_KEY_PREVIOUS. In local mode (no HOTLINE_SECRET_KEY set)',
    'a new key is generated in the local secrets file first and the old one dropped afterwards.',
    'Restart the server afterwards so it holds the new key.',
  ].join('\n'),
  async run(args, ctx) {
    const a = readArgs(args, { command: 'keys rotate', positionals: [] });
    const config = ctx.loadConfig();
    const result = config.secretKeySource === 'local-file' ? await rotateLocal(ctx, config.localSecretsFile!) : await reseal(ctx, config);
    emit(ctx, a.json, result, () =>
      [
        `Re-sealed ${result.resealed} secret(s) under key ${result.keyId}.`,
        result.secretsFile
          ? `The new key is in ${result.secretsFile}; the old one was removed. Restart the server.`
          : 'Every secret now opens with HOTLINE_SECRET_KEY alone: drop HOTLINE_SECRET_KEY_PREVIOUS and restart.',
      ].join('\n'),
    );
  },
};

/** `hotline keys ...`: the key that encrypts OTP secrets at rest. */
export const keysCommand = commandGroup('keys', 'rotate the key that encrypts secrets at rest', { rotate });

async function reseal(ctx: CliContext, config: Config): Promise<RotationResult> {
  try {
    const { resealed, keyId } = await (await ctx.open(config)).customers.rotateKeys();
    return { resealed, keyId, keySource: config.secretKeySource };
  } catch (err) {
    // The transaction rolled back; say which setting is missing rather than "failed authentication".
    if (err instanceof SealError) {
      throw new Error(
        `a stored secret does not open with the configured keys (${err.message}); nothing was changed. ` +
          'Set HOTLINE_SECRET_KEY_PREVIOUS to the key it was sealed with and run again.',
      );
    }
    throw err;
  }
}

/**
 * Local mode keeps the key in the secrets file. Each step leaves a file that opens every stored
 * secret, so an interruption at any point loses nothing: add a new current key (old kept as
 * previous), re-seal, and only then drop the previous keys.
 */
async function rotateLocal(ctx: CliContext, file: string): Promise<RotationResult> {
  const before = readLocalSecrets(file);
  const oldKeys = [before.secretKey!, ...(before.previousSecretKeys ?? [])];
  writeLocalSecrets(file, { ...before, secretKey: randomBytes(32).toString('base64'), previousSecretKeys: oldKeys });
  const result = await reseal(ctx, ctx.loadConfig());
  const { previousSecretKeys: _dropped, ...after } = readLocalSecrets(file);
  writeLocalSecrets(file, after);
  return { ...result, secretsFile: file };
}
