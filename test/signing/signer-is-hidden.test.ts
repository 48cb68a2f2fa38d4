/**
 * Who signed a file is for its recipients only (spec/format.md §9.4): the
 * header says just that the file is signed, the card id and the signature
 * travel sealed under a key from the file key, and the block has one fixed
 * length, so files by different senders look alike to everyone else.
 */
import { expect } from 'chai';
import { fromHex, utf8 } from '../../lib/bytes.js';
import { MAX_HEADER_BYTES, MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { parseHeader } from '../../lib/format/header.js';
import { PREFIX_LENGTH, parsePrefix } from '../../lib/format/prefix.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decrypt } from '../../lib/oneshot.js';
import { SIGNATURE_BLOCK_LENGTH } from '../../lib/stream/frame.js';
import { C, expectCode, expectSameBytes, fixedRandomness, patternBytes } from '../core/support.js';
import { contains, encryptSigned, makeSender, signatureBlockOf, withoutBlock } from './support.js';

describe('the signer is hidden from everyone but the recipients (spec §9.4)', () => {
  const alice = makeSender('alice');
  const carol = makeSender('carol');
  const bob = generateKeyPair();
  const dave = generateKeyPair();
  const plaintext = patternBytes(2 * C + 3, 5);

  it('two files by different signers differ only inside the sealed block', async () => {
    const byAlice = await encryptSigned(alice, [bob.publicKey, dave.publicKey], plaintext, fixedRandomness(1));
    const byCarol = await encryptSigned(carol, [bob.publicKey, dave.publicKey], plaintext, fixedRandomness(1));
    expect(byAlice.length).to.equal(byCarol.length);
    expectSameBytes(withoutBlock(byAlice), withoutBlock(byCarol), 'everything before the signature block');
    expect(Buffer.compare(signatureBlockOf(byAlice), signatureBlockOf(byCarol))).to.not.equal(0);
  });

  it("the header only says 'signed': no card id, key or name in clear", async () => {
    const file = await encryptSigned(alice, [bob.publicKey], plaintext);
    const headerLength = parsePrefix(file.subarray(0, PREFIX_LENGTH), MAX_HEADER_BYTES);
    const header = parseHeader(file.subarray(PREFIX_LENGTH, PREFIX_LENGTH + headerLength), { maxRecipients: MAX_RECIPIENTS });
    expect(header.sender).to.equal(1);
    expect(header.extensions.size).to.equal(0);
    for (const secret of [fromHex(alice.card.id)!, utf8(alice.card.id), alice.keys.publicKey.ed25519, alice.keys.publicKey.x25519, utf8('alice')]) {
      expect(contains(file, secret)).to.equal(false);
    }
  });

  it('a non-recipient learns nothing past ERR_NO_MATCH, while a recipient learns the signer', async () => {
    const file = await encryptSigned(alice, [bob.publicKey], plaintext);
    expectCode(await decrypt(file, dave.privateKey, { verifyWith: [alice.card, carol.card] }).catch((e: unknown) => e), 'ERR_NO_MATCH');
    expect(SIGNATURE_BLOCK_LENGTH).to.equal(112);
    expectSameBytes(await decrypt(file, bob.privateKey, { verifyWith: [alice.card, carol.card] }), plaintext, 'plaintext');
  });
});
