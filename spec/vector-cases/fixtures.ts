/**
 * Fixed inputs and file surgery for the test vectors (spec/vectors/README.md).
 *
 * Every key, file key, ephemeral secret, payload nonce and plaintext is derived
 * from a name by SHA-256 in counter mode, so the generator writes the same
 * bytes on every run. Crafted files are assembled from the parts of a real
 * file, and every crafted header carries a MAC computed with the known file
 * key (spec/format.md §6), so only the check a case targets can reject it.
 */
import { createHash } from 'node:crypto';
import { concatBytes } from '../../lib/bytes.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { LABELS, hkdf, hkdfExpand, hkdfExtract } from '../../lib/crypto/kdf.js';
import { type EnvelopeRandomness, MAC_LENGTH, computeHeaderMac } from '../../lib/envelope.js';
import type { ErrorCode } from '../../lib/errors.js';
import type { CborValue } from '../../lib/format/cbor.js';
import { type Header, parseHeader } from '../../lib/format/header.js';
import { MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { PREFIX_LENGTH, encodePrefix } from '../../lib/format/prefix.js';
import { PrivateKey } from '../../lib/keys/keys.js';
import { EncryptStream } from '../../lib/stream/encrypt.js';
import { TAG_LENGTH, chunkNonce } from '../../lib/stream/frame.js';

/** The chunk size most vectors use: the smallest allowed, to keep files small. */
export const C = 4096;

/** Decrypt caps a vector asks for, in the JSON spelling (spec/vectors/README.md). */
export interface VectorLimits {
  max_header_bytes?: number;
  max_recipients?: number;
}

/** One test vector before it is written out. */
export interface VectorCase {
  name: string;
  description: string;
  expect: 'success' | ErrorCode;
  key: PrivateKey;
  file: Uint8Array;
  /** The plaintext the file was made from: hashed for a success, recorded for a payload failure. */
  plaintext?: Uint8Array;
  limits?: VectorLimits;
}

/** `length` bytes derived from `label`: SHA-256("cardseal-vectors/" ‖ label ‖ counter) blocks. */
export function fixedBytes(label: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let block = 0, offset = 0; offset < length; block++, offset += 32) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(block);
    const digest = createHash('sha256').update(`cardseal-vectors/${label}`).update(counter).digest();
    out.set(digest.subarray(0, Math.min(32, length - offset)), offset);
  }
  return out;
}

/** The fixed key pair named `name`, on the node backend. */
export function fixedKey(name: string): PrivateKey {
  return new PrivateKey(fixedBytes(`key/${name}/x25519`, 32), fixedBytes(`key/${name}/ed25519`, 32));
}

/** Fixed per-file randomness named `name`. */
export function fixedRandomness(name: string): EnvelopeRandomness {
  return {
    fileKey: fixedBytes(`file/${name}/file-key`, 32),
    ephemeralSecret: fixedBytes(`file/${name}/ephemeral`, 32),
    payloadNonce: fixedBytes(`file/${name}/payload-nonce`, 16),
  };
}

/** The fixed plaintext of `length` bytes for the file named `name`. */
export function fixedPlaintext(name: string, length: number): Uint8Array {
  return fixedBytes(`plaintext/${name}`, length);
}

/** What {@link encryptFixed} needs. */
export interface FixedFileParams {
  name: string;
  recipients: PrivateKey[];
  /** Length of the fixed plaintext, unless `plaintext` is given. */
  plaintextLength?: number;
  plaintext?: Uint8Array;
  chunkSize?: number;
}

/** A real file, as the library encrypts it, with the inputs that made it. */
export interface FixedFile {
  file: Uint8Array;
  plaintext: Uint8Array;
  randomness: EnvelopeRandomness;
  chunkSize: number;
}

/** Encrypts a fixed plaintext to `recipients` with fixed randomness, through the real EncryptStream. */
export async function encryptFixed(params: FixedFileParams): Promise<FixedFile> {
  const chunkSize = params.chunkSize ?? C;
  const plaintext = params.plaintext ?? fixedPlaintext(params.name, params.plaintextLength ?? 0);
  const randomness = fixedRandomness(params.name);
  // The stream wipes its keys at the end, so it gets copies.
  const stream = new EncryptStream(params.recipients.map((k) => k.publicKey), { chunkSize }, {
    randomness: { fileKey: randomness.fileKey.slice(), ephemeralSecret: randomness.ephemeralSecret.slice(), payloadNonce: randomness.payloadNonce.slice() },
  });
  const parts: Uint8Array[] = [];
  stream.on('data', (part: Uint8Array) => parts.push(part));
  const done = new Promise<void>((resolve, reject) => {
    stream.once('end', resolve);
    stream.once('error', reject);
  });
  stream.end(plaintext);
  await done;
  return { file: concatBytes(...parts), plaintext, randomness, chunkSize };
}

/** A file cut into its parts (spec/format.md §3). */
export interface FileParts {
  prefix: Uint8Array;
  header: Uint8Array;
  mac: Uint8Array;
  payload: Uint8Array;
}

/** Splits a well-formed file at the lengths its prefix declares. */
export function splitFile(file: Uint8Array): FileParts {
  const headerLength = new DataView(file.buffer, file.byteOffset).getUint32(PREFIX_LENGTH - 4);
  const macStart = PREFIX_LENGTH + headerLength;
  return {
    prefix: file.subarray(0, PREFIX_LENGTH),
    header: file.subarray(PREFIX_LENGTH, macStart),
    mac: file.subarray(macStart, macStart + MAC_LENGTH),
    payload: file.subarray(macStart + MAC_LENGTH),
  };
}

/** The parsed header of a well-formed file. */
export function headerOf(file: Uint8Array): Header {
  return parseHeader(splitFile(file).header, { maxRecipients: MAX_RECIPIENTS });
}

/** prefix ‖ header ‖ MAC for arbitrary header bytes, MACed with `fileKey` as an honest sender would. */
export function envelopeFor(headerBytes: Uint8Array, fileKey: Uint8Array): Uint8Array {
  const prefixAndHeader = concatBytes(encodePrefix(headerBytes.length), headerBytes);
  return concatBytes(prefixAndHeader, computeHeaderMac(nodeBackend, fileKey, prefixAndHeader));
}

/** `fixed` with its header replaced by `headerBytes` under a correct MAC, and its payload kept. */
export function withHeader(fixed: FixedFile, headerBytes: Uint8Array): Uint8Array {
  return concatBytes(envelopeFor(headerBytes, fixed.randomness.fileKey), splitFile(fixed.file).payload);
}

/** The payload key of a fixed file (spec/format.md §7.1). */
export function payloadKeyOf(randomness: EnvelopeRandomness): Uint8Array {
  return hkdf(nodeBackend, randomness.fileKey, randomness.payloadNonce, LABELS.payload, 32);
}

/** One chunk to seal: its plaintext, the counter and the flag to seal it under. */
export interface ChunkSpec {
  plaintext: Uint8Array;
  index: number;
  last: boolean;
}

/** Seals chunks under the payload key of `randomness`, in the order given, whatever their counters. */
export function sealChunks(randomness: EnvelopeRandomness, chunks: ChunkSpec[]): Uint8Array {
  const key = payloadKeyOf(randomness);
  return concatBytes(...chunks.map((c) => nodeBackend.seal(key, chunkNonce(c.index, c.last), c.plaintext)));
}

/** The sealed frames of a file's payload, cut at multiples of C + 16 (spec/format.md §7.3). */
export function framesOf(fixed: FixedFile): Uint8Array[] {
  const payload = splitFile(fixed.file).payload;
  const frameLength = fixed.chunkSize + TAG_LENGTH;
  const frames: Uint8Array[] = [];
  for (let offset = 0; offset < payload.length; offset += frameLength) frames.push(payload.subarray(offset, offset + frameLength));
  return frames;
}

/** The values spec/format.md §5.2 derives for one recipient of an X25519 stanza. */
export interface EntryDerivation {
  shared: Uint8Array;
  prk: Uint8Array;
  tag: Uint8Array;
  wrapKey: Uint8Array;
}

/** Derives, as a recipient does, the entry keys of `key` under ephemeral share `ephemeral` (spec/format.md §5.2). */
export function deriveEntry(key: PrivateKey, ephemeral: Uint8Array): EntryDerivation {
  const shared = key.agreement().agree(ephemeral);
  const prk = hkdfExtract(nodeBackend, shared, concatBytes(ephemeral, key.publicKey.x25519));
  return { shared, prk, tag: hkdfExpand(nodeBackend, prk, LABELS.x25519Tag, 16), wrapKey: hkdfExpand(nodeBackend, prk, LABELS.x25519Wrap, 32) };
}

/** The entry of `entries` whose tag is the one `key` derives. */
export function entryOf(key: PrivateKey, ephemeral: Uint8Array, entries: Uint8Array[]): Uint8Array {
  const tag = deriveEntry(key, ephemeral).tag;
  const found = entries.find((e) => Buffer.compare(e.subarray(0, 16), tag) === 0);
  if (found === undefined) throw new Error('no entry for the key');
  return found;
}

/** Nested arrays `depth` deep around 0, to reach the CBOR depth limit (spec/format.md §3.2). */
export function nested(depth: number): CborValue {
  let value: CborValue = 0;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** A copy of `bytes` with the byte at `index` XORed with 0x01. */
export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}
