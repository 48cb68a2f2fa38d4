/**
 * Deterministic valid files and keys: the seeds every mutation starts from.
 * Keys and per-file randomness come from SHA-256 of fixed labels, so a failing
 * case replays byte for byte from its fast-check seed alone.
 */
import { createHash } from 'node:crypto';
import { finished } from 'node:stream/promises';
import { concatBytes } from '../../lib/bytes.js';
import { createCard } from '../../lib/cards/card.js';
import { computeHeaderMac, envelopeLength } from '../../lib/envelope.js';
import { PREFIX_LENGTH, encodePrefix } from '../../lib/format/prefix.js';
import { PrivateKey } from '../../lib/keys/keys.js';
import { EncryptStream, type EncryptOptions } from '../../lib/stream/encrypt.js';

/** `length` bytes of SHA-256 in counter mode over `label`: stable across runs and machines. */
export function deterministicBytes(label: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let block = 0, offset = 0; offset < length; block++, offset += 32) {
    const digest = createHash('sha256').update(`${label}/${block}`).digest();
    out.set(digest.subarray(0, Math.min(32, length - offset)), offset);
  }
  return out;
}

/** A private key derived from `label`. */
export function derivePrivateKey(label: string): PrivateKey {
  const secret = deterministicBytes(`key/${label}`, 64);
  return new PrivateKey(secret.subarray(0, 32), secret.subarray(32));
}

/** Options that sign as a fixed sender whose card has a fixed creation time, so the bytes never change. */
function signingOptions(name: string): EncryptOptions {
  const sender = derivePrivateKey(`sender/${name}`);
  return { signWith: sender, senderCard: createCard(sender, { identity: 'sender@example.org', createdAt: 1_700_000_000 }) };
}

/** A valid file together with everything a test needs to judge what decrypting it released. */
export interface SealedSample {
  name: string;
  /** The whole file: prefix ‖ header ‖ MAC ‖ payload. */
  bytes: Uint8Array;
  plaintext: Uint8Array;
  chunkSize: number;
  /** Bytes before the payload. */
  envelopeLength: number;
  /** The header CBOR alone. */
  header: Uint8Array;
  /** The file key, kept so a test can re-MAC an altered header. */
  fileKey: Uint8Array;
  /** A recipient of the file: the key tests decrypt with. */
  privateKey: PrivateKey;
  /** True when the file ends with a sender signature block (spec §9). */
  signed: boolean;
}

/** Shape of a sample to seal. */
export interface SampleShape {
  name: string;
  plaintextLength: number;
  chunkSize: number;
  recipients: number;
  /** Sign as a fixed sender (spec §9). */
  signed?: boolean;
}

/** Seals a deterministic plaintext of the given shape with fixed randomness. */
export async function sealSample(shape: SampleShape): Promise<SealedSample> {
  const keys = Array.from({ length: shape.recipients }, (_, i) => derivePrivateKey(`${shape.name}/${i}`));
  const plaintext = deterministicBytes(`plaintext/${shape.name}`, shape.plaintextLength);
  const fileKey = deterministicBytes(`file-key/${shape.name}`, 32);
  const signing = shape.signed === true ? signingOptions(shape.name) : {};
  const stream = new EncryptStream(
    keys.map((k) => k.publicKey),
    { chunkSize: shape.chunkSize, ...signing },
    {
      // The stream wipes its randomness when done, so it gets copies.
      randomness: {
        fileKey: fileKey.slice(),
        ephemeralSecret: deterministicBytes(`ephemeral/${shape.name}`, 32),
        payloadNonce: deterministicBytes(`nonce/${shape.name}`, 16),
      },
    },
  );
  const parts: Uint8Array[] = [];
  stream.on('data', (part: Uint8Array) => parts.push(part));
  stream.end(plaintext);
  await finished(stream);
  const bytes = concatBytes(...parts);
  const headerLength = stream.envelope.length - PREFIX_LENGTH - 32;
  return {
    name: shape.name,
    bytes,
    plaintext,
    chunkSize: shape.chunkSize,
    envelopeLength: envelopeLength(headerLength),
    header: bytes.slice(PREFIX_LENGTH, PREFIX_LENGTH + headerLength),
    fileKey,
    privateKey: keys[0]!,
    signed: shape.signed === true,
  };
}

/** The seeds of the format fuzz: empty, one byte, exactly one chunk, three chunks, default chunk size, signed. */
const CORPUS_SHAPES: readonly SampleShape[] = [
  { name: 'empty', plaintextLength: 0, chunkSize: 4096, recipients: 1 },
  { name: 'one-byte', plaintextLength: 1, chunkSize: 4096, recipients: 1 },
  { name: 'one-full-chunk', plaintextLength: 4096, chunkSize: 4096, recipients: 2 },
  { name: 'three-chunks', plaintextLength: 2 * 4096 + 1000, chunkSize: 4096, recipients: 3 },
  { name: 'default-chunk', plaintextLength: 100, chunkSize: 65536, recipients: 1 },
  { name: 'signed', plaintextLength: 5000, chunkSize: 4096, recipients: 2, signed: true },
];

/** Seals every corpus shape. */
export function sealCorpus(): Promise<SealedSample[]> {
  return Promise.all(CORPUS_SHAPES.map(sealSample));
}

/**
 * The file `sample` would be with `header` in place of its own: the prefix
 * declares the new length, and the MAC is recomputed with the file key when
 * `remac` is set (so the decoder looks past the MAC), or kept otherwise.
 */
export function replaceHeader(sample: SealedSample, header: Uint8Array, remac: boolean): Uint8Array {
  const prefixAndHeader = concatBytes(encodePrefix(header.length), header);
  const oldMacStart = sample.envelopeLength - 32;
  const mac = remac
    ? computeHeaderMac(sample.privateKey.backend, sample.fileKey, prefixAndHeader)
    : sample.bytes.subarray(oldMacStart, sample.envelopeLength);
  return concatBytes(prefixAndHeader, mac, sample.bytes.subarray(sample.envelopeLength));
}
