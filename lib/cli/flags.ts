/**
 * Flags several commands share, defined once so they read and behave the same
 * everywhere.
 */
import type { FlagSpec } from './args.js';

export const OUTPUT_FLAG: FlagSpec = {
  name: 'output',
  short: 'o',
  value: 'OUT',
  help: 'write to OUT: a file (written atomically), - for stdout, or an http(s) URL to upload to',
};

export const QUIET_FLAG: FlagSpec = { name: 'quiet', short: 'q', help: 'no progress bar' };

export const PASSPHRASE_FILE_FLAG: FlagSpec = {
  name: 'passphrase-file',
  value: 'FILE',
  help: 'passphrase of a locked key file (else CARDSEAL_PASSPHRASE, else asked on the terminal)',
};

export const DIRECTORY_FLAG: FlagSpec = {
  name: 'directory',
  value: 'URL',
  help: 'card directory: an http(s) URL or a local folder (default $CARDSEAL_DIRECTORY or the config folder)',
};

export const THREADS_FLAG: FlagSpec = {
  name: 'threads',
  value: 'N',
  help: 'file to file: the number of threads to use (default: one per core, up to 8, for inputs from 8 MiB)',
};

/** The help line on what IN may be, for commands that read one. */
export const INPUT_DETAILS = 'IN may be a file, - for stdin, or an http(s) URL to download from.';
