/**
 * The sending side of sender signatures (spec/format.md §9): a private key
 * bound to the card that names it, checked once before anything is encrypted.
 */
import { equalConstantTime } from '../bytes.js';
import type { CryptoBackend } from '../crypto/index.js';
import { type KeyPair, PrivateKey } from '../keys/keys.js';
import { sealSignatureBlock, signedMessage } from './signature-block.js';
import { type SenderCard, assertSenderCard, cardIdBytes } from './sender-card.js';

/** Signs transcripts with one key, in the name of one card. */
export class FileSigner {
  readonly #privateKey: PrivateKey;
  readonly #cardId: Uint8Array;

  /**
   * @throws TypeError for a missing or mistyped key or card; RangeError when the
   *   card's Ed25519 key is not the signing key's; CardError ERR_CARD_* when the
   *   card's own id or signature does not verify
   */
  constructor(signWith: PrivateKey | KeyPair | undefined, senderCard: SenderCard | undefined) {
    const privateKey = signWith instanceof PrivateKey ? signWith : signWith?.privateKey;
    if (!(privateKey instanceof PrivateKey)) throw new TypeError('signWith must be a PrivateKey or a KeyPair');
    assertSenderCard(senderCard, 'senderCard');
    // A signature under one key in the name of another key's card could never verify.
    if (!equalConstantTime(senderCard.publicKey.ed25519, privateKey.publicKey.ed25519)) {
      throw new RangeError("senderCard is not the signing key's card (its ed25519 key differs)");
    }
    this.#cardId = cardIdBytes(senderCard);
    senderCard.assertVerified();
    this.#privateKey = privateKey;
  }

  /**
   * Signs transcript hash `transcriptHash` and seals the signature block (spec §9.4).
   * @throws RangeError when the private key has been destroyed
   */
  sealBlock(backend: CryptoBackend, signatureKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
    const signature = this.#privateKey.sign(signedMessage(this.#cardId, transcriptHash));
    return sealSignatureBlock(backend, signatureKey, { cardId: this.#cardId, signature });
  }
}
