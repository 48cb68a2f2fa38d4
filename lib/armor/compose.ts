/**
 * Encryption and decryption with the armor option (spec/format.md §10): the
 * core Transforms chained with the armor Transforms into one Duplex, so a
 * caller writes `pipeline(src, encryptStream(keys, { armor: true }), dst)`.
 */
import * as nodeStream from 'node:stream';
import type { Duplex } from 'node:stream';
import type { PrivateKey } from '../keys/keys.js';
import type { Recipient } from '../recipients/recipient.js';
import { type DecryptOptions, decryptWith } from '../stream/decrypt.js';
import { type EncryptOptions, encryptFor } from '../stream/encrypt.js';
import { armorEncode, autoDearmor } from './streams.js';

// stream.compose exists since Node 16.9 but @types/node 20 does not declare it.
const { compose } = nodeStream as unknown as { compose: (...streams: nodeStream.Stream[]) => Duplex };

/** Options for {@link encryptStream}: the core options plus the armor switch. */
export interface ArmorEncryptOptions extends EncryptOptions {
  /** Write the text armor instead of binary. Default false. */
  armor?: boolean;
}

/**
 * The encrypting stream of {@link encryptFor}, armored when `armor` is true.
 * @throws as {@link encryptFor}: KeyError ERR_KEY_*, CardError ERR_CARD_*
 */
export function encryptStream(recipients: Iterable<Recipient>, options: ArmorEncryptOptions = {}): Duplex {
  const { armor = false, ...encryptOptions } = options;
  const encrypter = encryptFor(recipients, encryptOptions);
  return armor ? compose(encrypter, armorEncode()) : encrypter;
}

/**
 * The decrypting stream of {@link decryptWith}, accepting binary or armored
 * input alike (detected from the first bytes).
 * @throws as {@link decryptWith}; stream errors also carry ArmorError ERR_ARMOR_FORMAT
 */
export function decryptStream(privateKey: PrivateKey | string, options: DecryptOptions = {}): Duplex {
  return compose(autoDearmor(), decryptWith(privateKey, options));
}
