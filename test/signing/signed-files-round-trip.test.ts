/**
 * Signed files (spec/format.md §9) round-trip through the real streams at every
 * chunk boundary, name the card that signed them, have exactly the size
 * ciphertextSize predicts, and the options refuse every misuse with a clear error.
 */
import { expect } from 'chai';
import { importCard } from '../../lib/cards/card.js';
import { CardError } from '../../lib/errors.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decrypt, decryptAndVerify, encrypt } from '../../lib/oneshot.js';
import { restrictToIdentity } from '../../lib/signing/verifier.js';
import { ciphertextSize, plaintextSize } from '../../lib/sizes.js';
import { DecryptStream, decryptWith } from '../../lib/stream/decrypt.js';
import { encryptFor } from '../../lib/stream/encrypt.js';
import { C, MIB, decryptPiped, encryptPiped, expectCode, expectSameBytes, patternBytes, runPipeline, thrownBy } from '../core/support.js';
import { encryptSigned, makeSender, signedBy } from './support.js';

describe('signed files round-trip and name their signer (spec §9)', () => {
  const alice = makeSender('alice');
  const bob = generateKeyPair();
  const carol = generateKeyPair({ backend: 'noble' });

  for (const length of [0, 1, C - 1, C, C + 1, 3 * C + 7]) {
    it(`${length} bytes: exact size, every recipient decrypts, 'signer' comes before 'end'`, async () => {
      const plaintext = patternBytes(length, length + 1);
      for (const writeSize of [7, C + 1, MIB]) {
        const file = await encryptPiped([bob.publicKey, carol.publicKey], plaintext, writeSize, signedBy(alice, { chunkSize: C }));
        expect(file.length).to.equal(ciphertextSize(length, { recipients: 2, chunkSize: C, signed: true }));
        for (const readSize of [1, 113, C + 17]) {
          const stream = new DecryptStream(bob.privateKey, { verifyWith: [alice.card] });
          const events: string[] = [];
          stream.on('signer', () => events.push('signer'));
          stream.on('end', () => events.push('end'));
          const { output, error } = await runPipeline(file, readSize, stream);
          expect(error).to.equal(undefined);
          expectSameBytes(output, plaintext, 'plaintext');
          expect(stream.signer).to.equal(alice.card);
          expect(events).to.deep.equal(['signer', 'end']);
        }
      }
      const opened = await decryptAndVerify(await encryptSigned(alice, [carol.publicKey], plaintext), carol.privateKey, { verifyWith: [alice.card] });
      expectSameBytes(opened.plaintext, plaintext, 'plaintext');
      expect(opened.signer.id).to.equal(alice.card.id);
    });
  }

  it('plaintextSize inverts ciphertextSize for signed layouts', async () => {
    const stream = encryptFor([bob.publicKey], signedBy(alice, { chunkSize: C }));
    const { output: file } = await runPipeline(patternBytes(2 * C + 5), MIB, stream);
    expect(plaintextSize(file.length, { headerLength: stream.envelope.length, chunkSize: C, signed: true })).to.equal(2 * C + 5);
  });

  it('accepts senders as a list of cards, a Map by id, or a directory-like object', async () => {
    const file = await encrypt('from alice', [bob.publicKey], signedBy(alice));
    const byText = importCard(alice.card.export());
    for (const verifyWith of [[byText], new Map([[alice.card.id, alice.card]]), { get: async (id: string) => (id === alice.card.id ? alice.card : undefined) }]) {
      const opened = await decryptAndVerify(file, bob.privateKey, { verifyWith });
      expect(new TextDecoder().decode(opened.plaintext)).to.equal('from alice');
      expect(opened.signer.id).to.equal(alice.card.id);
    }
  });

  it('decrypts a signed file without verifyWith, and then names no signer', async () => {
    const file = await encrypt('signed, read without checking', [bob.publicKey], signedBy(alice));
    const stream = decryptWith(bob.privateKey);
    const { output, error } = await runPipeline(file, MIB, stream);
    expect(error).to.equal(undefined);
    expect(new TextDecoder().decode(output)).to.equal('signed, read without checking');
    expect(stream.signer).to.equal(undefined);
  });

  it('refuses an unsigned file when a signature is required, before releasing any byte', async () => {
    const file = await encryptPiped([bob.publicKey], patternBytes(3 * C), C, { chunkSize: C });
    const { output, error } = await decryptPiped(bob.privateKey, file, 1, { verifyWith: [alice.card] });
    expectCode(error, 'ERR_SIGNATURE_MISSING');
    expect(output.length).to.equal(0);
    expectCode(await decrypt(file, bob.privateKey, { verifyWith: [alice.card] }).catch((e: unknown) => e), 'ERR_SIGNATURE_MISSING');
    expectCode(await decryptAndVerify(file, bob.privateKey, { verifyWith: [alice.card], requireSignature: false }).catch((e: unknown) => e), 'ERR_SIGNATURE_MISSING');
  });

  it('accepts an unsigned file with requireSignature: false, naming no signer', async () => {
    const file = await encrypt('unsigned', [bob.publicKey]);
    const stream = decryptWith(bob.privateKey, { verifyWith: [alice.card], requireSignature: false });
    const { output, error } = await runPipeline(file, MIB, stream);
    expect(error).to.equal(undefined);
    expect(new TextDecoder().decode(output)).to.equal('unsigned');
    expect(stream.signer).to.equal(undefined);
  });

  it('refuses a file by a sender who is not accepted', async () => {
    const mallory = makeSender('mallory');
    const file = await encrypt('who sent this?', [bob.publicKey], signedBy(mallory));
    expectCode(await decrypt(file, bob.privateKey, { verifyWith: [alice.card] }).catch((e: unknown) => e), 'ERR_SIGNATURE_UNKNOWN_SIGNER');
    expectCode(await decrypt(file, bob.privateKey, { verifyWith: new Map() }).catch((e: unknown) => e), 'ERR_SIGNATURE_UNKNOWN_SIGNER');
  });

  it('refuses a sender card whose own self-signature fails, on both sides', async () => {
    const bytes = alice.card.toBytes();
    // The self-signature is the last field of a card without endorsements.
    bytes[bytes.length - 1]! ^= 0x01;
    const broken = importCard(bytes);
    expect(broken.id).to.equal(alice.card.id);
    const thrown = thrownBy(() => encryptFor([bob.publicKey], { signWith: alice.keys, senderCard: broken }));
    expect(thrown).to.be.instanceOf(CardError);
    expectCode(thrown, 'ERR_CARD_SIGNATURE');
    const file = await encrypt('x', [bob.publicKey], signedBy(alice));
    expectCode(await decrypt(file, bob.privateKey, { verifyWith: [broken] }).catch((e: unknown) => e), 'ERR_CARD_SIGNATURE');
  });

  it('refuses misuse of the options with TypeError or RangeError', () => {
    const other = makeSender('other');
    expect(thrownBy(() => encryptFor([bob.publicKey], { signWith: alice.keys }))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => encryptFor([bob.publicKey], { senderCard: alice.card }))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => encryptFor([bob.publicKey], { signWith: alice.keys, senderCard: other.card })))
      .to.be.instanceOf(RangeError).with.property('message').that.matches(/ed25519 key differs/);
    expect(thrownBy(() => encryptFor([bob.publicKey], { signWith: alice.keys.privateKey, senderCard: { id: 'ABC', identity: 'alice', publicKey: alice.keys.publicKey, assertVerified() {} } })))
      .to.be.instanceOf(RangeError);
    expect(thrownBy(() => decryptWith(bob.privateKey, { requireSignature: true }))).to.be.instanceOf(RangeError);
    expect(thrownBy(() => decryptWith(bob.privateKey, { holdFinalChunk: true }))).to.be.instanceOf(RangeError);
    expect(thrownBy(() => decryptWith(bob.privateKey, { verifyWith: 5 as never }))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => decryptWith(bob.privateKey, { verifyWith: [{ id: alice.card.id }] as never }))).to.be.instanceOf(TypeError);
    expect(thrownBy(() => restrictToIdentity(new Map(), []))).to.be.instanceOf(RangeError);
    expect(thrownBy(() => restrictToIdentity({} as never, 'alice'))).to.be.instanceOf(TypeError);
  });
});
