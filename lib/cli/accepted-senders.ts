/**
 * The senders `decrypt --from` accepts (spec/format.md §9.5): any card the
 * card directory vouches for that belongs to one of the `--from` identities
 * (restrictToIdentity: revoked cards are refused, replaced ones still verify
 * the files they signed), and the card files of `--from-card`, checked
 * offline, where a later revocation cannot be seen.
 *
 * The signature names its card only at the end of the input, so the directory
 * is opened for that one lookup: the embedded directory admits one process at
 * a time, and a long decryption must not lock out other commands.
 */
import { type Card, verifyCard } from '../cards/card.js';
import { UsageError } from '../errors.js';
import type { SenderCard } from '../signing/sender-card.js';
import { type SenderDirectory, type VerifyWith, restrictToIdentity } from '../signing/verifier.js';
import { type ParsedArgs, flagValue, flagValues } from './args.js';
import { directoryLocation, withCardDirectory } from './directory-location.js';
import { readCardFile } from './recipients.js';

/** A directory opened afresh for each lookup by card id. */
function openedPerLookup(location: string): SenderDirectory {
  return { get: (id) => withCardDirectory(location, (directory) => directory.get(id)) };
}

/** The cards of `identities` in the directory at `location`. */
function cardsOfIdentities(location: string, identities: string[]): SenderDirectory {
  try {
    return restrictToIdentity(openedPerLookup(location), identities);
  } catch (error) {
    // restrictToIdentity reports an invalid identity as RangeError; on the command line it is a usage error.
    if (error instanceof RangeError) throw new UsageError('ERR_USAGE', `invalid --from identity: ${error.message}`);
    throw error;
  }
}

/**
 * What `--from` and `--from-card` accept, for decryptWith's `verifyWith`, or
 * undefined when neither was given (then no signature is required or checked).
 * Card files are read and verified now, so a bad one fails before any input is read.
 * @throws UsageError ERR_USAGE for an invalid identity; CardError ERR_CARD_* for a bad card file; FileError ERR_FILE
 */
export function gatherAcceptedSenders(parsed: ParsedArgs, env: NodeJS.ProcessEnv): VerifyWith | undefined {
  const identities = flagValues(parsed, 'from');
  const cards: Card[] = flagValues(parsed, 'from-card').map((path) => verifyCard(readCardFile(path)));
  if (identities.length === 0) return cards.length === 0 ? undefined : cards;
  const fromDirectory = cardsOfIdentities(directoryLocation(flagValue(parsed, 'directory'), env), identities);
  if (cards.length === 0) return fromDirectory;
  const byId = new Map(cards.map((card) => [card.id, card]));
  return { get: (id) => byId.get(id) ?? fromDirectory.get(id) };
}

/** How `signed by:` names a card: identity, device when the card has one, and the short card id. */
export function describeSigner(card: SenderCard): string {
  const device = (card as Partial<Card>).device;
  return `${card.identity} (${device === undefined ? '' : `device ${device}, `}card ${card.id.slice(0, 16)})`;
}
