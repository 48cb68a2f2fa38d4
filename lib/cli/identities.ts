/**
 * Loading private key files for `decrypt -i` and the card commands: plain or
 * passphrase-locked (the passphrase is asked only for a locked file).
 */
import { KeyError, hasCode } from '../errors.js';
import type { PrivateKey } from '../keys/keys.js';
import { importPrivateKey, isLockedKeyText } from '../keys/passphrase.js';
import { readSmallFile } from './input.js';
import { type PassphraseSources, obtainPassphrase } from './passphrase.js';
import { withHint } from './report.js';

/** A key file is a few lines; anything larger is the wrong file. */
const MAX_KEY_FILE_BYTES = 16 * 1024;

/** The key line of a key file: its comment lines (`#`) skipped. */
function keyLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))?.trim() ?? '';
}

/**
 * Reads the private key in `path`, asking for its passphrase if it is locked.
 * @throws FileError ERR_FILE; KeyError ERR_KEY_FORMAT, ERR_KEY_CHECKSUM, ERR_KEY_PASSPHRASE, ERR_KEY_WORK_FACTOR
 */
export async function readIdentity(path: string, sources: PassphraseSources): Promise<PrivateKey> {
  const text = readSmallFile(path, MAX_KEY_FILE_BYTES);
  const passphrase = isLockedKeyText(keyLine(text)) ? await obtainPassphrase(sources, `passphrase for ${path}: `) : undefined;
  try {
    return await importPrivateKey(text, passphrase === undefined ? {} : { passphrase });
  } catch (error) {
    if (hasCode(error, 'ERR_KEY_FORMAT')) {
      throw withHint(new KeyError('ERR_KEY_FORMAT', `${path} is not a private key file: ${(error as Error).message}`), 'give the file written by "cardseal keygen"');
    }
    throw error;
  }
}
