/**
 * Every recipient holds the file key, so a co-recipient can write a new payload
 * and a new header MAC for the others (spec/format.md §9, §11). The sender
 * signature is what catches it: these forgeries are built the way a malicious
 * co-recipient would, from the file key her own private key opens.
 */
import { expect } from 'chai';
import { concatBytes, fromHex } from '../../lib/bytes.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { computeHeaderMac } from '../../lib/envelope.js';
import { encodeHeader } from '../../lib/format/header.js';
import { encodePrefix } from '../../lib/format/prefix.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decrypt, decryptAndVerify } from '../../lib/oneshot.js';
import { openSignatureBlock, sealSignatureBlock } from '../../lib/signing/signature-block.js';
import { chunkNonce } from '../../lib/stream/frame.js';
import { C, decryptPiped, encryptPiped, expectCode, patternBytes } from '../core/support.js';
import { encryptSigned, makeSender, openAsRecipient, secondCard, signatureBlockOf, signedBy, withoutBlock } from './support.js';

/** Seals `plaintext` as chunks of C under `payloadKey`, exactly as an encoder does (spec §7.2). */
function sealPayload(payloadKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const count = Math.max(1, Math.ceil(plaintext.length / C));
  const frames = Array.from({ length: count }, (_, i) =>
    nodeBackend.seal(payloadKey, chunkNonce(i, i === count - 1), plaintext.subarray(i * C, (i + 1) * C)));
  return concatBytes(...frames);
}

describe('a co-recipient cannot forge a signed file (spec §9)', () => {
  const alice = makeSender('alice');
  const bob = generateKeyPair();
  const mallory = makeSender('mallory');
  const original = patternBytes(2 * C + 7, 11);
  const forged = patternBytes(2 * C + 7, 12);
  let file: Uint8Array;

  before(async () => {
    file = await encryptSigned(alice, [bob.publicKey, mallory.keys.publicKey], original);
  });

  /** Mallory's own signed file of `forged`, to the same recipients under the file key and payload nonce of Alice's file. */
  function reencryptAsMallory(): Promise<Uint8Array> {
    const { keys } = openAsRecipient(file, mallory.keys.privateKey);
    return encryptPiped([bob.publicKey, mallory.keys.publicKey], forged, C, signedBy(mallory, { chunkSize: C }), {
      fileKey: keys.fileKey,
      ephemeralSecret: patternBytes(32, 99),
      payloadNonce: keys.header.payloadNonce.slice(),
    });
  }

  it('the untouched file verifies for every recipient', async () => {
    for (const key of [bob.privateKey, mallory.keys.privateKey]) {
      const opened = await decryptAndVerify(file, key, { verifyWith: [alice.card] });
      expect(Buffer.compare(opened.plaintext, original)).to.equal(0);
    }
  });

  it('a new payload under the same file key, with a new header and MAC, fails with ERR_SIGNATURE_INVALID', async () => {
    // Under the same file key and payload nonce, Alice's sealed block still opens.
    const forgery = concatBytes(withoutBlock(await reencryptAsMallory()), signatureBlockOf(file));
    for (const verifyWith of [[alice.card], [alice.card, mallory.card]]) {
      const { output, error } = await decryptPiped(bob.privateKey, forgery, C, { verifyWith });
      expectCode(error, 'ERR_SIGNATURE_INVALID');
      // The final chunk is held back until the signature verifies, so the forged end never arrives.
      expect(output.length).to.equal(2 * C);
    }
  });

  it("new chunks behind Alice's exact envelope bytes fail with ERR_SIGNATURE_INVALID", async () => {
    const { envelope, keys } = openAsRecipient(file, mallory.keys.privateKey);
    const forgery = concatBytes(envelope, sealPayload(keys.payloadKey, forged), signatureBlockOf(file));
    expect(forgery.length).to.equal(file.length);
    expectCode(await decrypt(forgery, bob.privateKey, { verifyWith: [alice.card] }).catch((e: unknown) => e), 'ERR_SIGNATURE_INVALID');
  });

  it('stripping the signature (sender field removed, header re-MACed) fails with ERR_SIGNATURE_MISSING', async () => {
    const { keys } = openAsRecipient(file, mallory.keys.privateKey);
    const headerBytes = encodeHeader({ ...keys.header, sender: 0 });
    const prefixAndHeader = concatBytes(encodePrefix(headerBytes.length), headerBytes);
    const stripped = concatBytes(
      prefixAndHeader,
      computeHeaderMac(nodeBackend, keys.fileKey, prefixAndHeader),
      sealPayload(keys.payloadKey, forged),
    );
    expectCode(await decrypt(stripped, bob.privateKey, { verifyWith: [alice.card] }).catch((e: unknown) => e), 'ERR_SIGNATURE_MISSING');
    // Only the requirement stops it: a reader who does not ask for a signature gets the forgery.
    expect(Buffer.compare(await decrypt(stripped, bob.privateKey), forged)).to.equal(0);
  });

  it("Alice's signature credited to another card, even one of her own key, fails with ERR_SIGNATURE_INVALID", async () => {
    const { keys } = openAsRecipient(file, mallory.keys.privateKey);
    const content = openSignatureBlock(nodeBackend, keys.signatureKey!, signatureBlockOf(file));
    expect(Buffer.from(content.cardId).toString('hex')).to.equal(alice.card.id);
    const alicePhone = secondCard(alice, 'phone');
    for (const [card, verifyWith] of [[alicePhone, [alice.card, alicePhone]], [mallory.card, [alice.card, mallory.card]]] as const) {
      const block = sealSignatureBlock(nodeBackend, keys.signatureKey!, { cardId: fromHex(card.id)!, signature: content.signature });
      const recredited = concatBytes(withoutBlock(file), block);
      expectCode(await decrypt(recredited, bob.privateKey, { verifyWith: [...verifyWith] }).catch((e: unknown) => e), 'ERR_SIGNATURE_INVALID');
    }
  });

  it('a forgery Mallory signs herself is credited to Mallory, never to Alice', async () => {
    const forgery = await reencryptAsMallory();
    expectCode(await decrypt(forgery, bob.privateKey, { verifyWith: [alice.card] }).catch((e: unknown) => e), 'ERR_SIGNATURE_UNKNOWN_SIGNER');
    const opened = await decryptAndVerify(forgery, bob.privateKey, { verifyWith: [alice.card, mallory.card] });
    expect(opened.signer.id).to.equal(mallory.card.id);
  });
});
