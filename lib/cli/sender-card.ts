/**
 * Who signs for `encrypt --sign` (spec/format.md §9): the private key of
 * `-i KEY_FILE` and the card it signs in the name of, either the card file of
 * `--sender-card` or the live card of `--sender IDENTITY` in the card
 * directory that carries the key's public keys. A directory answers by
 * identity or by card id, never by key (spec/directory.md §4), so taking the
 * card from it needs the identity. Everything is checked before any output
 * exists: a card that is not the key's would give a signature no recipient
 * could verify.
 */
import { type Card, verifyCard } from '../cards/card.js';
import { isValidIdentity } from '../cards/identity.js';
import { CardError, UsageError } from '../errors.js';
import type { PrivateKey } from '../keys/keys.js';
import { type ParsedArgs, flagValue, hasFlag } from './args.js';
import { directoryLocation, withCardDirectory } from './directory-location.js';
import { readIdentity } from './identities.js';
import type { Terminal } from './input.js';
import { readCardFile } from './recipients.js';
import { withHint } from './report.js';

/** The signing key and the card it signs in the name of. The caller destroys the key. */
export interface Sender {
  key: PrivateKey;
  card: Card;
}

/** The flags that mean something only with --sign, as shown in messages. */
const SIGN_ONLY_FLAGS: [name: string, shown: string][] = [
  ['identity', '-i'],
  ['sender', '--sender'],
  ['sender-card', '--sender-card'],
];

/** The newest of the live cards of `identity` whose public keys are `key`'s. */
async function findOwnCard(location: string, identity: string, key: PrivateKey, keyFile: string): Promise<Card> {
  const live = await withCardDirectory(location, (directory) => directory.find(identity));
  if (live.length === 0) throw new CardError('ERR_CARD_NOT_FOUND', `no live card for ${JSON.stringify(identity)} in the directory`);
  const own = live.filter((card) => card.publicKey.equals(key.publicKey)).sort((a, b) => b.createdAt - a.createdAt);
  if (own.length === 0) {
    throw withHint(
      new CardError('ERR_CARD_NOT_FOUND', `no live card of ${JSON.stringify(identity)} in the directory has the keys of ${keyFile}`),
      `publish a card for this key ("cardseal card create -i ${keyFile} IDENTITY | cardseal card publish"), or give --sender-card CARD_FILE`,
    );
  }
  return own[0]!;
}

/** Returns `card`, the card of --sender-card, when it carries `key`'s public keys. */
function assertOwnCard(card: Card, path: string, key: PrivateKey, keyFile: string): Card {
  if (!card.publicKey.equals(key.publicKey)) {
    throw withHint(
      new UsageError('ERR_USAGE', `the card in ${path} is not the card of the key in ${keyFile}: their public keys differ`),
      `give the card made from this key ("cardseal card create -i ${keyFile} …"), or the key file of that card`,
    );
  }
  return card;
}

/**
 * The sender for `encrypt --sign`, or undefined without --sign.
 * @throws UsageError ERR_USAGE (a flag without --sign, no -i, no card, a card of another key);
 *   CardError ERR_CARD_* (ERR_CARD_NOT_FOUND: no live card of the identity with the key's keys);
 *   DirectoryError ERR_DIRECTORY_*; KeyError ERR_KEY_*; FileError ERR_FILE
 */
export async function loadSender(parsed: ParsedArgs, terminal: Terminal): Promise<Sender | undefined> {
  if (!hasFlag(parsed, 'sign')) {
    const stray = SIGN_ONLY_FLAGS.find(([name]) => hasFlag(parsed, name));
    if (stray !== undefined) throw withHint(new UsageError('ERR_USAGE', `${stray[1]} is used only with --sign`), 'add --sign to sign the file as its sender');
    return undefined;
  }
  const keyFile = flagValue(parsed, 'identity');
  if (keyFile === undefined) throw withHint(new UsageError('ERR_USAGE', 'encrypt --sign needs your private key file'), 'give it with -i KEY_FILE');
  const cardFile = flagValue(parsed, 'sender-card');
  const identity = flagValue(parsed, 'sender');
  if (cardFile !== undefined && identity !== undefined) throw new UsageError('ERR_USAGE', 'give either --sender-card or --sender, not both');
  if (cardFile === undefined && identity === undefined) {
    throw withHint(
      new UsageError('ERR_USAGE', 'encrypt --sign needs the card to sign in the name of'),
      'give your card file with --sender-card CARD_FILE, or your identity with --sender IDENTITY to take your live card from the directory',
    );
  }
  if (identity !== undefined && !isValidIdentity(identity)) throw new UsageError('ERR_USAGE', `invalid identity ${JSON.stringify(identity.slice(0, 64))}`);
  // The card file first: a bad one should fail before a passphrase is asked for.
  const fileCard = cardFile === undefined ? undefined : verifyCard(readCardFile(cardFile));
  const key = await readIdentity(keyFile, { file: flagValue(parsed, 'passphrase-file'), env: terminal.env, stderr: terminal.stderr });
  try {
    const card = fileCard !== undefined
      ? assertOwnCard(fileCard, cardFile!, key, keyFile)
      : await findOwnCard(directoryLocation(flagValue(parsed, 'directory'), terminal.env), identity!, key, keyFile);
    return { key, card };
  } catch (error) {
    key.destroy();
    throw error;
  }
}
