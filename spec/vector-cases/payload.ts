/**
 * Files with a valid envelope and a damaged payload: flipped bytes, truncation
 * at and between chunk boundaries, an empty final chunk after a full one,
 * trailing data, reordered, duplicated and misflagged chunks (spec/format.md
 * §7.2, rules 11–14 of §7.4). Each records the plaintext it was made from, so
 * a test can check that what a decoder released before failing is a prefix of it.
 */
import { concatBytes } from '../../lib/bytes.js';
import { TAG_LENGTH } from '../../lib/stream/frame.js';
import { C, type ChunkSpec, type FixedFile, type VectorCase, encryptFixed, fixedKey, fixedRandomness, flipByte, framesOf, sealChunks, splitFile } from './fixtures.js';

const alice = fixedKey('alice');

/** prefix ‖ header ‖ MAC of a fixed file. */
function envelopeOf(fixed: FixedFile): Uint8Array {
  const parts = splitFile(fixed.file);
  return concatBytes(parts.prefix, parts.header, parts.mac);
}

/** The chunks of `plaintext` as an honest encoder cuts them, with `last` overridable per index. */
function chunksOf(plaintext: Uint8Array, lastFlags?: (index: number, count: number) => boolean): ChunkSpec[] {
  const count = Math.max(1, Math.ceil(plaintext.length / C));
  return Array.from({ length: count }, (_, index) => ({
    plaintext: plaintext.subarray(index * C, (index + 1) * C),
    index,
    last: lastFlags === undefined ? index === count - 1 : lastFlags(index, count),
  }));
}

/** Three chunks: C, C and 7 bytes. */
async function shortFinalCases(): Promise<VectorCase[]> {
  const fixed = await encryptFixed({ name: 'payload-short-final', recipients: [alice], plaintextLength: 2 * C + 7 });
  const envelope = envelopeOf(fixed);
  const frames = framesOf(fixed);
  const [f0, f1, f2] = frames as [Uint8Array, Uint8Array, Uint8Array];
  const payloadStart = envelope.length;
  const frameLength = C + TAG_LENGTH;
  const other = await encryptFixed({ name: 'payload-other-file', recipients: [alice], plaintextLength: 2 * C + 7 });
  const misflagged = (flags: (index: number, count: number) => boolean): Uint8Array =>
    concatBytes(envelope, sealChunks(fixed.randomness, chunksOf(fixed.plaintext, flags)));
  const make = (name: string, description: string, expect: VectorCase['expect'], file: Uint8Array): VectorCase => ({
    name, description, expect, key: alice, file, plaintext: fixed.plaintext,
  });
  return [
    make('payload-flipped-chunk-0', 'one byte of the ciphertext of chunk 0 flipped (of chunks C, C, 7)', 'ERR_PAYLOAD_AUTH', flipByte(fixed.file, payloadStart + 100)),
    make('payload-flipped-tag-1', 'one byte of the tag of chunk 1 flipped', 'ERR_PAYLOAD_AUTH', flipByte(fixed.file, payloadStart + 2 * frameLength - 1)),
    make('payload-flipped-final-chunk', 'one byte of the ciphertext of the final chunk 2 flipped', 'ERR_PAYLOAD_AUTH', flipByte(fixed.file, payloadStart + 2 * frameLength + 3)),
    make('payload-truncated-no-chunks', 'the envelope alone, without any chunk', 'ERR_PAYLOAD_TRUNCATED', envelope),
    make('payload-truncated-after-chunk-0', 'cut at the boundary after chunk 0: chunk 0 is not flagged final', 'ERR_PAYLOAD_TRUNCATED', concatBytes(envelope, f0)),
    make('payload-truncated-after-chunk-1', 'cut at the boundary after chunk 1: chunk 1 is not flagged final', 'ERR_PAYLOAD_TRUNCATED', concatBytes(envelope, f0, f1)),
    make('payload-truncated-inside-chunk-1', 'cut 100 bytes into chunk 1: the rest opens as no chunk', 'ERR_PAYLOAD_AUTH', concatBytes(envelope, f0, f1.subarray(0, 100))),
    make('payload-truncated-inside-chunk-1-short', 'cut 10 bytes into chunk 1: fewer bytes than a tag remain', 'ERR_PAYLOAD_TRUNCATED', concatBytes(envelope, f0, f1.subarray(0, 10))),
    make('payload-truncated-last-byte', 'the last byte of the file removed: the final chunk no longer opens', 'ERR_PAYLOAD_AUTH', fixed.file.subarray(0, fixed.file.length - 1)),
    make('payload-trailing-byte-after-short-final', 'one byte 0x00 after a final chunk of 7 bytes: it reads as a damaged final chunk', 'ERR_PAYLOAD_AUTH', concatBytes(fixed.file, new Uint8Array(1))),
    make('payload-swapped-chunks', 'chunks 0 and 1 exchanged', 'ERR_PAYLOAD_AUTH', concatBytes(envelope, f1, f0, f2)),
    make('payload-duplicated-chunk', 'chunk 0 repeated in place of chunk 1', 'ERR_PAYLOAD_AUTH', concatBytes(envelope, f0, f0, f1, f2)),
    make('payload-final-chunk-dropped', 'chunks 0 and 2 without chunk 1: chunk 2 does not open as chunk 1', 'ERR_PAYLOAD_AUTH', concatBytes(envelope, f0, f2)),
    make('payload-chunk-from-other-file', 'chunk 1 taken from a file with the same plaintext and recipient but another file key', 'ERR_PAYLOAD_AUTH', concatBytes(envelope, f0, framesOf(other)[1]!, f2)),
    make('payload-last-chunk-not-flagged', 'every chunk sealed with flag 0, the last included', 'ERR_PAYLOAD_TRUNCATED', misflagged(() => false)),
    make('payload-short-final-chunk-duplicated', 'the final chunk of 7 bytes written twice: the 46 bytes after chunk 1 open as no final chunk', 'ERR_PAYLOAD_AUTH', concatBytes(envelope, f0, f1, f2, f2)),
    make('payload-first-chunk-flagged-final', 'chunk 0 sealed with the final flag, followed by chunks 1 and 2', 'ERR_PAYLOAD_TRAILING_DATA', misflagged((i, n) => i === 0 || i === n - 1)),
  ];
}

/** Two full chunks: the final chunk is full. */
async function fullFinalCases(): Promise<VectorCase[]> {
  const fixed = await encryptFixed({ name: 'payload-full-final', recipients: [alice], plaintextLength: 2 * C });
  const envelope = envelopeOf(fixed);
  const [f0, f1] = framesOf(fixed) as [Uint8Array, Uint8Array];
  const emptyFinal = sealChunks(fixed.randomness, [
    { plaintext: fixed.plaintext.subarray(0, C), index: 0, last: false },
    { plaintext: fixed.plaintext.subarray(C), index: 1, last: false },
    { plaintext: new Uint8Array(0), index: 2, last: true },
  ]);
  const extraChunk = sealChunks(fixed.randomness, [{ plaintext: new Uint8Array(5), index: 2, last: true }]);
  const make = (name: string, description: string, expect: VectorCase['expect'], file: Uint8Array): VectorCase => ({
    name, description, expect, key: alice, file, plaintext: fixed.plaintext,
  });
  return [
    make('payload-empty-final-chunk', 'chunks C and C, then an empty chunk flagged final: no encoder writes it, since chunk 1 should carry the flag', 'ERR_PAYLOAD_EMPTY_CHUNK', concatBytes(envelope, emptyFinal)),
    make('payload-trailing-byte-after-full-final', 'one byte 0x00 after a full final chunk', 'ERR_PAYLOAD_TRAILING_DATA', concatBytes(fixed.file, new Uint8Array(1))),
    make('payload-trailing-chunk-after-full-final', 'a validly sealed chunk 2 after the full final chunk 1', 'ERR_PAYLOAD_TRAILING_DATA', concatBytes(fixed.file, extraChunk)),
    make('payload-full-final-chunk-duplicated', 'the full final chunk 1 written twice: its first copy, read as chunk 1 with flag 0, opens only as final', 'ERR_PAYLOAD_TRAILING_DATA', concatBytes(envelope, f0, f1, f1)),
    make('payload-whole-payload-repeated', 'chunks C and C, then both again: chunk 1, read with flag 0, opens only as final', 'ERR_PAYLOAD_TRAILING_DATA', concatBytes(envelope, f0, f1, f0, f1)),
    make('payload-truncated-inside-full-final-tag', 'the last byte of a full final chunk removed', 'ERR_PAYLOAD_AUTH', concatBytes(envelope, f0, f1.subarray(0, f1.length - 1))),
  ];
}

/** The empty plaintext: one empty chunk. */
async function emptyCases(): Promise<VectorCase[]> {
  const fixed = await encryptFixed({ name: 'payload-empty', recipients: [alice], plaintextLength: 0 });
  const envelope = envelopeOf(fixed);
  const randomness = fixedRandomness('payload-empty');
  return [
    {
      name: 'payload-empty-chunk-not-flagged', description: 'the empty plaintext sealed as one chunk with flag 0', expect: 'ERR_PAYLOAD_TRUNCATED', key: alice,
      file: concatBytes(envelope, sealChunks(randomness, [{ plaintext: new Uint8Array(0), index: 0, last: false }])), plaintext: fixed.plaintext,
    },
    {
      name: 'payload-empty-two-empty-chunks', description: 'the empty plaintext as an empty chunk with flag 0 then an empty final chunk', expect: 'ERR_PAYLOAD_AUTH', key: alice,
      file: concatBytes(envelope, sealChunks(randomness, [{ plaintext: new Uint8Array(0), index: 0, last: false }, { plaintext: new Uint8Array(0), index: 1, last: true }])), plaintext: fixed.plaintext,
    },
  ];
}

/** Every vector whose envelope opens and whose payload does not. */
export async function payloadCases(): Promise<VectorCase[]> {
  return [...(await shortFinalCases()), ...(await fullFinalCases()), ...(await emptyCases())];
}
