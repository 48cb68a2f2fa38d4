/**
 * Signed files (spec/format.md §9): files that verify, files whose signature
 * is missing, stripped, re-credited, or lifted onto another payload by a
 * co-recipient, and files cut or extended around the signature block.
 *
 * A signed case names the cards a decoder accepts as senders (`senders`,
 * written to the vector as their text forms) and, on success, the id of the
 * card that must be reported as the signer. Without `senders` the decoder
 * reads the file without verifying, which must still remove the block.
 * Every crafted file is built from the file key a recipient holds, as a
 * dishonest co-recipient would build it.
 */
import { concatBytes } from '../../lib/bytes.js';
import { type Card, createCard } from '../../lib/cards/card.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { LABELS, hkdf } from '../../lib/crypto/kdf.js';
import type { EnvelopeRandomness } from '../../lib/envelope.js';
import { encodeHeader } from '../../lib/format/header.js';
import type { PrivateKey } from '../../lib/keys/keys.js';
import { decryptAndVerify } from '../../lib/oneshot.js';
import { openSignatureBlock, sealSignatureBlock } from '../../lib/signing/signature-block.js';
import type { DecryptOptions } from '../../lib/stream/decrypt.js';
import { EncryptStream } from '../../lib/stream/encrypt.js';
import { SIGNATURE_BLOCK_LENGTH } from '../../lib/stream/frame.js';
import {
  C,
  type VectorCase,
  encryptFixed,
  envelopeFor,
  fixedKey,
  fixedPlaintext,
  fixedRandomness,
  flipByte,
  headerOf,
  sealChunks,
  splitFile,
} from './fixtures.js';

/** A vector case for a signed file, or for a decoder that asks for a signature. */
export interface SignedVectorCase extends VectorCase {
  /** The cards the decoder accepts as senders; absent: the decoder does not verify. */
  senders?: Card[];
  /** On success with `senders`: the id of the card the decoder must report as the signer. */
  signer?: string;
}

/** Card creation time of every vector card: fixed, so the cards and their ids are too. */
const CREATED_AT = 1_700_000_000;
const aliceKey = fixedKey('signer-alice');
const carolKey = fixedKey('signer-carol');
const bob = fixedKey('recipient-bob');
const mallory = fixedKey('recipient-mallory');
const alice = createCard(aliceKey, { identity: 'alice', createdAt: CREATED_AT });
const aliceLaptop = createCard(aliceKey, { identity: 'alice', device: 'laptop', createdAt: CREATED_AT });
const carol = createCard(carolKey, { identity: 'carol', createdAt: CREATED_AT });

/** What a signed fixed file is made of. */
interface SignedFile {
  file: Uint8Array;
  plaintext: Uint8Array;
  randomness: EnvelopeRandomness;
}

/**
 * Encrypts `plaintext` (or the fixed plaintext of `name` of that length) to bob
 * and mallory through the real EncryptStream, signed by `signer` in the name of `card`.
 */
async function encryptSignedFixed(name: string, plaintextOrLength: Uint8Array | number, signer: PrivateKey, card: Card, randomness = fixedRandomness(name)): Promise<SignedFile> {
  const plaintext = typeof plaintextOrLength === 'number' ? fixedPlaintext(name, plaintextOrLength) : plaintextOrLength;
  const recipients = [bob, mallory];
  const stream = new EncryptStream(recipients.map((k) => k.publicKey), { chunkSize: C, signWith: signer, senderCard: card }, {
    randomness: { fileKey: randomness.fileKey.slice(), ephemeralSecret: randomness.ephemeralSecret.slice(), payloadNonce: randomness.payloadNonce.slice() },
  });
  stream.end(plaintext);
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part as Uint8Array);
  return { file: concatBytes(...parts), plaintext, randomness };
}

/** signature_key of a file (spec/format.md §9.2), as any recipient derives it. */
function signatureKeyOf(randomness: EnvelopeRandomness): Uint8Array {
  return hkdf(nodeBackend, randomness.fileKey, randomness.payloadNonce, LABELS.signatureKey, 32);
}

function blockOf(file: Uint8Array): Uint8Array {
  return file.subarray(file.length - SIGNATURE_BLOCK_LENGTH);
}

function withoutBlock(file: Uint8Array): Uint8Array {
  return file.subarray(0, file.length - SIGNATURE_BLOCK_LENGTH);
}

/** The chunks of `plaintext` as an honest encoder cuts them (spec/format.md §7.2). */
function chunksOf(plaintext: Uint8Array): { plaintext: Uint8Array; index: number; last: boolean }[] {
  const count = Math.max(1, Math.ceil(plaintext.length / C));
  return Array.from({ length: count }, (_, index) => ({ plaintext: plaintext.subarray(index * C, (index + 1) * C), index, last: index === count - 1 }));
}

async function successCases(): Promise<SignedVectorCase[]> {
  const lengths = [
    { name: 'signed-success-empty', description: 'a signed empty plaintext: one empty final chunk, then the 112-byte signature block', length: 0 },
    { name: 'signed-success-one-chunk', description: 'a signed plaintext of 7 bytes', length: 7 },
    { name: 'signed-success-full-final', description: 'a signed plaintext of 2C bytes: the block follows a full final chunk', length: 2 * C },
    { name: 'signed-success-short-final', description: 'a signed plaintext of 2C + 7 bytes to two recipients', length: 2 * C + 7 },
  ];
  const cases: SignedVectorCase[] = [];
  for (const c of lengths) {
    const signed = await encryptSignedFixed(c.name, c.length, aliceKey, alice);
    cases.push({ ...c, expect: 'success', key: bob, file: signed.file, plaintext: signed.plaintext, senders: [alice], signer: alice.id });
  }
  const unverified = await encryptSignedFixed('signed-success-unverified', 2 * C + 7, aliceKey, alice);
  cases.push({
    name: 'signed-success-unverified',
    description: 'a signed file read by a decoder that verifies no sender: it must still remove the signature block',
    expect: 'success', key: mallory, file: unverified.file, plaintext: unverified.plaintext,
  });
  const laptop = await encryptSignedFixed('signed-success-second-card', 100, aliceKey, aliceLaptop);
  cases.push({
    name: 'signed-success-second-card',
    description: "signed in the name of alice's second card (same key, device \"laptop\"): that card, not her first, is the signer",
    expect: 'success', key: bob, file: laptop.file, plaintext: laptop.plaintext, senders: [alice, aliceLaptop], signer: aliceLaptop.id,
  });
  return cases;
}

async function senderCases(): Promise<SignedVectorCase[]> {
  const signed = await encryptSignedFixed('signed-senders', C + 7, aliceKey, alice);
  const unsigned = await encryptFixed({ name: 'signed-unsigned', recipients: [bob], plaintextLength: C + 7 });
  const header = headerOf(signed.file);
  const stripped = concatBytes(envelopeFor(encodeHeader({ ...header, sender: 0 }), signed.randomness.fileKey), splitFile(withoutBlock(signed.file)).payload);
  const modeTwo = concatBytes(envelopeFor(encodeHeader({ ...header, sender: 2 }), signed.randomness.fileKey), splitFile(signed.file).payload);
  const make = (name: string, description: string, expect: SignedVectorCase['expect'], file: Uint8Array, plaintext: Uint8Array, senders?: Card[]): SignedVectorCase =>
    ({ name, description, expect, key: bob, file, plaintext, ...(senders === undefined ? {} : { senders }) });
  return [
    make('signed-unknown-signer', 'signed by alice, but only carol is an accepted sender', 'ERR_SIGNATURE_UNKNOWN_SIGNER', signed.file, signed.plaintext, [carol]),
    make('signed-missing-unsigned-file', 'an unsigned file (no header key 5) where a signature is required', 'ERR_SIGNATURE_MISSING', unsigned.file, unsigned.plaintext, [alice]),
    make('signed-missing-stripped', 'a co-recipient removed header key 5 and the block, and re-MACed the header: refused where a signature is required', 'ERR_SIGNATURE_MISSING', stripped, signed.plaintext, [alice]),
    make('signed-sender-mode-2', 'header key 5 is 2, a sender mode version 1 does not define', 'ERR_HEADER_SCHEMA', modeTwo, signed.plaintext, [alice]),
    make('signed-block-on-unsigned-header', 'a signature block appended to a file whose header has no key 5: it reads as part of the final chunk', 'ERR_PAYLOAD_AUTH', concatBytes(unsigned.file, blockOf(signed.file)), unsigned.plaintext),
  ];
}

async function forgeryCases(): Promise<SignedVectorCase[]> {
  const signed = await encryptSignedFixed('signed-forgeries', 2 * C + 7, aliceKey, alice);
  const other = await encryptSignedFixed('signed-other-file', 2 * C + 7, aliceKey, alice);
  const key = signatureKeyOf(signed.randomness);
  const content = openSignatureBlock(nodeBackend, key, blockOf(signed.file));
  const badSignature = content.signature.slice();
  badSignature[0]! ^= 0x01;
  const resealed = (cardId: Uint8Array, signature: Uint8Array): Uint8Array =>
    concatBytes(withoutBlock(signed.file), sealSignatureBlock(nodeBackend, key, { cardId, signature }));
  // A co-recipient's payload under the same file key: first behind the exact envelope,
  // then behind a new header it builds with a new ephemeral share for the same recipients.
  const forgedPlaintext = fixedPlaintext('signed-forged-payload', 2 * C + 7);
  const forgedChunks = sealChunks(signed.randomness, chunksOf(forgedPlaintext));
  const parts = splitFile(signed.file);
  const rebuilt = await encryptSignedFixed('signed-forged-header', forgedPlaintext, mallory, createCard(mallory, { identity: 'mallory', createdAt: CREATED_AT }), {
    ...signed.randomness,
    ephemeralSecret: fixedRandomness('signed-forged-header').ephemeralSecret,
  });
  const make = (name: string, description: string, file: Uint8Array, plaintext: Uint8Array, senders: Card[] | undefined = [alice]): SignedVectorCase =>
    ({ name, description, expect: 'ERR_SIGNATURE_INVALID', key: bob, file, plaintext, ...(senders === undefined ? {} : { senders }) });
  return [
    make('signed-block-flipped-card-id', 'the first byte of the sealed block flipped: the block does not open', flipByte(signed.file, signed.file.length - SIGNATURE_BLOCK_LENGTH), signed.plaintext),
    make('signed-block-flipped-tag-unverified', 'the last byte of the block flipped, read without verifying: a block that does not open is refused all the same', flipByte(signed.file, signed.file.length - 1), signed.plaintext, undefined),
    make('signed-bad-signature', 'the block re-sealed with one bit of the Ed25519 signature flipped', resealed(content.cardId, badSignature), signed.plaintext),
    make('signed-recredited-same-key-card', "the block re-sealed naming alice's second card, which has the same key: the card id is signed, so the signature does not verify", resealed(Uint8Array.from(Buffer.from(aliceLaptop.id, 'hex')), content.signature), signed.plaintext, [alice, aliceLaptop]),
    make('signed-block-from-other-file', 'the signature block of another file alice signed: it is sealed under another file key and does not open', concatBytes(withoutBlock(signed.file), blockOf(other.file)), signed.plaintext),
    make('signed-co-recipient-new-payload', "a co-recipient's new payload under the same file key, behind alice's exact envelope, with alice's block", concatBytes(parts.prefix, parts.header, parts.mac, forgedChunks, blockOf(signed.file)), forgedPlaintext),
    make('signed-co-recipient-new-header', "a co-recipient's new header (new ephemeral share, same file key and payload nonce, signed mode) and new payload, MACed, with alice's block", concatBytes(withoutBlock(rebuilt.file), blockOf(signed.file)), forgedPlaintext),
  ];
}

async function framingCases(): Promise<SignedVectorCase[]> {
  const short = await encryptSignedFixed('signed-framing-short', C + 7, aliceKey, alice);
  const full = await encryptSignedFixed('signed-framing-full', 2 * C, aliceKey, alice);
  const make = (name: string, description: string, expect: SignedVectorCase['expect'], file: Uint8Array, plaintext: Uint8Array): SignedVectorCase =>
    ({ name, description, expect, key: bob, file, plaintext, senders: [alice] });
  return [
    make('signed-block-missing', 'chunks C and 7 with the whole block cut off: what remains opens as a final chunk', 'ERR_PAYLOAD_TRUNCATED', withoutBlock(short.file), short.plaintext),
    make('signed-block-missing-full-final', 'chunks C and C with the whole block cut off', 'ERR_PAYLOAD_TRUNCATED', withoutBlock(full.file), full.plaintext),
    make('signed-block-cut-one-byte', 'the last byte of the block cut off: the final chunk, read 1 byte too long, does not open', 'ERR_PAYLOAD_AUTH', short.file.subarray(0, short.file.length - 1), short.plaintext),
    make('signed-block-cut-10-bytes', 'the last 10 bytes of the block cut off: chunk 0 opens, then 13 bytes remain before the place of the block, fewer than a tag', 'ERR_PAYLOAD_TRUNCATED', short.file.subarray(0, short.file.length - 10), short.plaintext),
    make('signed-block-cut-100-bytes', 'the last 100 bytes of the block cut off: C + 51 payload bytes remain, and the C − 61 before the place of the block, read as the final chunk, do not open', 'ERR_PAYLOAD_AUTH', short.file.subarray(0, short.file.length - 100), short.plaintext),
    make('signed-trailing-byte-after-block', 'one byte 0x00 after the block of a file whose final chunk is full', 'ERR_PAYLOAD_TRAILING_DATA', concatBytes(full.file, new Uint8Array(1)), full.plaintext),
    make('signed-trailing-byte-after-block-short-final', 'one byte 0x00 after the block of a file whose final chunk is short', 'ERR_PAYLOAD_AUTH', concatBytes(short.file, new Uint8Array(1)), short.plaintext),
  ];
}

/** Every signed-file vector case. */
export async function signedCases(): Promise<SignedVectorCase[]> {
  return [...(await successCases()), ...(await senderCases()), ...(await forgeryCases()), ...(await framingCases())];
}

/** The decrypt options a case asks for, beyond its limits: the accepted senders, when it names any. */
export function signedDecryptOptions(c: VectorCase): DecryptOptions {
  const senders = (c as SignedVectorCase).senders;
  return senders === undefined ? {} : { verifyWith: senders };
}

/** The fields a signed case adds to its vector file: `senders` (card text forms) and `signer` (a card id). */
export function signedVectorFields(c: VectorCase): { senders?: string[]; signer?: string } {
  const { senders, signer } = c as SignedVectorCase;
  return { ...(senders === undefined ? {} : { senders: senders.map((card) => card.export()) }), ...(signer === undefined ? {} : { signer }) };
}

/** For a success case that names a signer: a problem when another card, or none, is reported. */
export async function checkSigner(c: VectorCase): Promise<string | undefined> {
  const { senders, signer } = c as SignedVectorCase;
  if (signer === undefined || senders === undefined) return undefined;
  const { signer: reported } = await decryptAndVerify(c.file, c.key, { verifyWith: senders });
  return reported.id === signer ? undefined : `${c.name}: expected signer ${signer}, the library reports ${reported.id}`;
}
