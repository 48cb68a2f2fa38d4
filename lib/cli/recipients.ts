/**
 * The recipients of `encrypt`: public keys (`--to`), card files (`-R`) and
 * identities looked up in the card directory (`-r`, every live verified card
 * of that identity). Cards are verified by encryptFor before any byte is sealed.
 */
import { type Card, MAX_CARD_BYTES, importCard } from '../cards/card.js';
import { CardError, hasCode } from '../errors.js';
import { parsePublicKey } from '../keys/keys.js';
import type { Recipient } from '../recipients/recipient.js';
import { type ParsedArgs, flagValue, flagValues } from './args.js';
import { directoryLocation, withCardDirectory } from './directory-location.js';
import { readSmallFile } from './input.js';
import { withHint } from './report.js';

/** A card file holds the text form: base64-like text of at most MAX_CARD_BYTES bytes, plus a newline. */
const MAX_CARD_FILE_BYTES = 2 * MAX_CARD_BYTES + 1024;

/** Reads and parses the card in `path`. Verification happens where the card is used. */
export function readCardFile(path: string): Card {
  try {
    return importCard(readSmallFile(path, MAX_CARD_FILE_BYTES).trim());
  } catch (error) {
    if (hasCode(error, 'ERR_CARD_FORMAT')) throw withHint(error as Error, `${path} must hold one card, as written by "cardseal card create"`);
    throw error;
  }
}

/** The cards of every identity, each needing at least one live card. */
async function findIdentities(identities: string[], location: string): Promise<Card[]> {
  const found = await withCardDirectory(location, (directory) => directory.findMany(identities));
  return identities.flatMap((identity) => {
    const cards = found.get(identity) ?? [];
    if (cards.length === 0) throw new CardError('ERR_CARD_NOT_FOUND', `no live card for ${JSON.stringify(identity)} in the directory`);
    return cards;
  });
}

/**
 * Every recipient named on the command line, in order.
 * @throws KeyError ERR_KEY_FORMAT, ERR_KEY_CHECKSUM; CardError ERR_CARD_*; DirectoryError ERR_DIRECTORY_*; FileError ERR_FILE
 */
export async function gatherRecipients(parsed: ParsedArgs, env: NodeJS.ProcessEnv): Promise<Recipient[]> {
  const recipients: Recipient[] = [];
  for (const text of flagValues(parsed, 'to')) {
    try {
      recipients.push(parsePublicKey(text));
    } catch (error) {
      throw withHint(error as Error, 'a public key starts with cardseal_pub1_ (as printed by "cardseal keygen")');
    }
  }
  for (const path of flagValues(parsed, 'card')) recipients.push(readCardFile(path));
  const identities = flagValues(parsed, 'recipient');
  if (identities.length > 0) recipients.push(...(await findIdentities(identities, directoryLocation(flagValue(parsed, 'directory'), env))));
  return recipients;
}
