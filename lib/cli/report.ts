/**
 * How the CLI reports failure: one `error:` line on stderr, then a `hint:`
 * line where a next step helps (the age CLI's convention). Hints come from the
 * place that knows the context, or else from a table by error code.
 */
import { CardsealError, type ErrorCode, SignatureError } from '../errors.js';

const attachedHints = new WeakMap<Error, string>();

/** Attaches a hint to `error` and returns it, for `throw withHint(new …, 'use -o')`. */
export function withHint<E extends Error>(error: E, hint: string): E {
  attachedHints.set(error, hint);
  return error;
}

/** Hints by code, for errors raised far from the command line. */
const HINTS: Partial<Record<ErrorCode, string>> = {
  ERR_OUTPUT_TERMINAL: 'use -a for armored text output, or -o FILE to write a file',
  ERR_NO_MATCH: 'the file was not encrypted to this key; pass the right key with -i (it can be repeated)',
  ERR_HEADER_MAGIC: 'the input is not a cardseal file; was it encrypted with another tool?',
  ERR_HEADER_VERSION: 'the file was made by a newer cardseal; upgrade to read it',
  ERR_HEADER_TRUNCATED: 'the file is incomplete: was the copy or download cut short?',
  ERR_HEADER_MAC: 'the header was altered after encryption',
  ERR_PAYLOAD_AUTH: 'the file was altered or damaged after encryption',
  ERR_PAYLOAD_TRUNCATED: 'the file is incomplete: was the copy or download cut short?',
  ERR_PAYLOAD_TRAILING_DATA: 'something was appended to the file after encryption',
  ERR_ARMOR_FORMAT: 'the armored text was altered or re-wrapped; copy it again whole',
  ERR_KEY_PASSPHRASE: 'check the passphrase (prompt, CARDSEAL_PASSPHRASE or --passphrase-file)',
  ERR_KEY_NO_RECIPIENTS: 'name recipients with --to PUBLIC_KEY, -R CARD_FILE or -r IDENTITY',
  ERR_KEY_CHECKSUM: 'the key has a typo or was cut when copied',
  ERR_CARD_NOT_FOUND: 'check the identity, or publish a card with "cardseal card publish"',
  ERR_CARD_REVOKED: 'ask the owner for their current card',
  ERR_SIGNATURE_MISSING: 'the file carries no sender signature; drop --from to read it unsigned, if you trust where it came from',
  ERR_SIGNATURE_UNKNOWN_SIGNER: 'the signer is none of the --from identities (in this directory) or --from-card cards; check who sent the file',
  ERR_SIGNATURE_SIGNER_REVOKED: 'the sender has revoked that card; ask them to sign the file again with their current card',
  ERR_SIGNATURE_INVALID: 'the file was altered after it was signed, or the signature is forged',
  ERR_DIRECTORY_UNREACHABLE: 'check --directory, or that the directory server is running',
  ERR_HTTP_CONNECTION: 'check the URL and the network; nothing was completed',
};

const STATUS_HINTS: Record<number, string> = {
  403: 'the server refused the request: a presigned URL may have expired or be for another method',
  404: 'the URL names nothing on the server',
  411: 'the server needs a Content-Length: give a regular file as input rather than a pipe',
};

function hintFor(error: Error): string | undefined {
  const attached = attachedHints.get(error);
  if (attached !== undefined) return attached;
  if (!(error instanceof CardsealError)) return undefined;
  if (error.code === 'ERR_HTTP_STATUS') {
    const status = (error as { statusCode?: number }).statusCode;
    return status === undefined ? undefined : STATUS_HINTS[status];
  }
  return HINTS[error.code];
}

/** The text of the `error:` line. */
function messageOf(error: Error): string {
  // A signature verdict names its code, so a script running `decrypt --from` can tell an unsigned file from a forged one.
  if (error instanceof SignatureError) return `${error.message} (${error.code})`;
  if (error instanceof CardsealError) return error.message;
  // Errors that are not cardseal's own (a bug, a node:fs failure no code maps) still print one line.
  const code = 'code' in error && typeof error.code === 'string' && !error.message.includes(error.code) ? ` (${error.code})` : '';
  return `${error.message}${code}`;
}

/** The `error:` and `hint:` lines for `error`, newline-terminated. */
export function formatError(error: unknown): string {
  if (!(error instanceof Error)) return `error: ${String(error)}\n`;
  if ((error as NodeJS.ErrnoException).code === 'EPIPE') return 'error: the output was closed before everything was written\n';
  const hint = hintFor(error);
  const message = messageOf(error);
  return `error: ${message}\n${hint === undefined ? '' : `hint: ${hint}\n`}`;
}
