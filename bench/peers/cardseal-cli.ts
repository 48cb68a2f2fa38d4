/**
 * The cardseal CLI, file to file, for the end-to-end measurement:
 *   cardseal encrypt --to PUBKEY ... -o OUT IN
 *   cardseal decrypt -i KEYFILE -o OUT IN
 * It uses the same key directory as the library peer.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IDENTITY_FILE, RECIPIENTS_FILE, cardsealPeer, parseRecipientLines } from './cardseal.js';
import type { CommandPeer } from './peer.js';

/** The compiled CLI entry point of the same build as this bench. */
export const CLI_PATH = fileURLToPath(new URL('../../lib/cli/main.js', import.meta.url));

/** The cardseal CLI peer. */
export const cardsealCliPeer: CommandPeer = {
  kind: 'command',
  id: 'cardseal-cli',
  label: 'cardseal (CLI)',
  suite: cardsealPeer.suite,
  async findMissing() {
    return existsSync(CLI_PATH) ? undefined : 'the cardseal CLI (lib/cli/main.ts) is not written yet; nothing to run';
  },
  readVersion: cardsealPeer.readVersion,
  createKeys: cardsealPeer.createKeys,
  commandFor(operation, dir, input, output) {
    if (operation === 'encrypt') {
      const recipients = parseRecipientLines(readFileSync(join(dir, RECIPIENTS_FILE), 'utf8'));
      return { file: process.execPath, args: [CLI_PATH, 'encrypt', ...recipients.flatMap((key) => ['--to', key]), '-o', output, input] };
    }
    return { file: process.execPath, args: [CLI_PATH, 'decrypt', '-i', join(dir, IDENTITY_FILE), '-o', output, input] };
  },
};
