/**
 * Measurement 1: stream throughput by chunk size and backend, against the raw
 * node:crypto ChaCha20-Poly1305 ceiling measured in the same run.
 *
 * Each configuration is round-tripped before it is timed. Within a chunk size
 * the ceiling and the stream alternate run by run, so both see the same
 * moment of a shared machine and their ratio is taken pair by pair.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_CHUNK_EXPONENT } from '../../lib/format/limits.js';
import { type BackendName, type KeyPair, ciphertextSize, decryptWith, encryptFor, generateKeyPair } from '../../lib/index.js';
import { CountingSink, KiB, MiB, READ_SIZE, createGeneratedInput, createReplayInput, sameBytes, slicePieces } from '../data.js';
import { type Summary, megabytesPerSecond, pairedRatios, summarize } from '../stats.js';

/** Chunk sizes measured: every power of four from 4 KiB to 4 MiB. */
export const CHUNK_SIZES = [4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, MiB, 4 * MiB];
/** Read sizes compared at the default chunk size. */
export const READ_SIZES = [16 * KiB, 64 * KiB, MiB];
/** The library's default chunk size. */
export const DEFAULT_CHUNK_SIZE = 2 ** DEFAULT_CHUNK_EXPONENT;

const TAG_LENGTH = 16;
const ALGORITHM = 'chacha20-poly1305';

/** Stream throughput of one backend at one chunk size, in MB/s, and as a share of the ceiling. */
export interface StreamFigures {
  backend: BackendName;
  chunkSize: number;
  encrypt: Summary;
  decrypt: Summary;
  encryptRatio: Summary;
  decryptRatio: Summary;
}

/** The raw cipher loop at one chunk size, in MB/s. */
export interface CeilingFigures {
  chunkSize: number;
  seal: Summary;
  open: Summary;
}

/** Stream throughput at the default chunk size for one input read size. */
export interface ReadSizeFigures {
  readSize: number;
  encrypt: Summary;
  decrypt: Summary;
}

/** Everything measurement 1 produces. */
export interface ThroughputResults {
  readSize: number;
  inputBytes: Record<BackendName, number>;
  ceilings: CeilingFigures[];
  streams: StreamFigures[];
  readSizes: ReadSizeFigures[];
}

/** How much to measure. */
export interface ThroughputPlan {
  nodeBytes: number;
  nobleBytes: number;
  runs: number;
}

function nonceOf(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeUInt32BE(index, 8);
  return nonce;
}

/** The ceiling: seal `total` bytes of the pattern chunk by chunk, one cipher object per chunk, nothing else. */
function timeSealLoop(pattern: Uint8Array, chunkSize: number, total: number): number {
  const key = randomBytes(32);
  const started = performance.now();
  for (let offset = 0, index = 0; offset < total; offset += chunkSize, index++) {
    const start = offset % pattern.length;
    const cipher = createCipheriv(ALGORITHM, key, nonceOf(index), { authTagLength: TAG_LENGTH });
    cipher.update(pattern.subarray(start, start + Math.min(chunkSize, total - offset)));
    cipher.final();
    cipher.getAuthTag();
  }
  return performance.now() - started;
}

interface SealedFrame {
  ciphertext: Buffer;
  tag: Buffer;
}

/** Seals one pattern's worth of frames under `key`, for the open ceiling to cycle through. */
function sealFrames(key: Buffer, pattern: Uint8Array, chunkSize: number): SealedFrame[] {
  const frames: SealedFrame[] = [];
  for (let offset = 0; offset < pattern.length; offset += chunkSize) {
    const cipher = createCipheriv(ALGORITHM, key, nonceOf(frames.length), { authTagLength: TAG_LENGTH });
    const ciphertext = cipher.update(pattern.subarray(offset, offset + chunkSize));
    cipher.final();
    frames.push({ ciphertext, tag: cipher.getAuthTag() });
  }
  return frames;
}

/** The open ceiling: verify and decrypt `total` bytes of frames, one decipher object per frame. */
function timeOpenLoop(key: Buffer, frames: readonly SealedFrame[], chunkSize: number, total: number): number {
  const started = performance.now();
  for (let offset = 0, index = 0; offset < total; offset += chunkSize, index++) {
    const slot = index % frames.length;
    const frame = frames[slot]!;
    const decipher = createDecipheriv(ALGORITHM, key, nonceOf(slot), { authTagLength: TAG_LENGTH });
    decipher.setAuthTag(frame.tag);
    decipher.update(frame.ciphertext);
    decipher.final();
  }
  return performance.now() - started;
}

/** Encrypts generated input through stream.pipeline into a counting sink; returns the time. */
async function timeEncrypt(keys: KeyPair, backend: BackendName, chunkSize: number, total: number, readSize: number, pattern: Uint8Array): Promise<number> {
  const sink = new CountingSink();
  const started = performance.now();
  await pipeline(createGeneratedInput(total, readSize, pattern), encryptFor([keys.publicKey], { chunkSize, backend }), sink);
  const ms = performance.now() - started;
  const expected = ciphertextSize(total, { chunkSize });
  if (sink.bytes !== expected) throw new Error(`internal error: encrypt wrote ${sink.bytes} bytes, expected ${expected}`);
  return ms;
}

/** Decrypts prepared ciphertext pieces through stream.pipeline into a counting sink; returns the time. */
async function timeDecrypt(keys: KeyPair, pieces: readonly Uint8Array[], total: number): Promise<number> {
  const sink = new CountingSink();
  const started = performance.now();
  await pipeline(createReplayInput(pieces), decryptWith(keys.privateKey), sink);
  const ms = performance.now() - started;
  if (sink.bytes !== total) throw new Error(`internal error: decrypt wrote ${sink.bytes} bytes, expected ${total}`);
  return ms;
}

async function encryptToMemory(keys: KeyPair, backend: BackendName, chunkSize: number, total: number, pattern: Uint8Array): Promise<Uint8Array> {
  const sink = new CountingSink(true);
  await pipeline(createGeneratedInput(total, READ_SIZE, pattern), encryptFor([keys.publicKey], { chunkSize, backend }), sink);
  return sink.kept;
}

/**
 * Encrypts and decrypts a few chunks plus a ragged tail and compares the bytes.
 * @throws Error when the round trip does not give back the plaintext
 */
export async function verifyRoundTrip(keys: KeyPair, backend: BackendName, chunkSize: number): Promise<void> {
  const plaintext = new Uint8Array(randomBytes(2 * chunkSize + 13));
  const encrypted = new CountingSink(true);
  await pipeline(createReplayInput(slicePieces(plaintext, READ_SIZE)), encryptFor([keys.publicKey], { chunkSize, backend }), encrypted);
  const decrypted = new CountingSink(true);
  await pipeline(createReplayInput(slicePieces(encrypted.kept, READ_SIZE)), decryptWith(keys.privateKey), decrypted);
  if (!sameBytes(decrypted.kept, plaintext)) throw new Error(`round trip failed: ${backend} backend, chunk size ${chunkSize}`);
}

async function measureNode(keys: KeyPair, chunkSize: number, plan: ThroughputPlan, pattern: Uint8Array): Promise<{ ceiling: CeilingFigures; stream: StreamFigures }> {
  await verifyRoundTrip(keys, 'node', chunkSize);
  const pieces = slicePieces(await encryptToMemory(keys, 'node', chunkSize, plan.nodeBytes, pattern), READ_SIZE);
  const frameKey = randomBytes(32);
  const frames = sealFrames(frameKey, pattern, chunkSize);
  const seal: number[] = [];
  const encrypt: number[] = [];
  const open: number[] = [];
  const decrypt: number[] = [];
  const total = plan.nodeBytes;
  for (let run = 0; run < plan.runs; run++) {
    seal.push(megabytesPerSecond(total, timeSealLoop(pattern, chunkSize, total)));
    encrypt.push(megabytesPerSecond(total, await timeEncrypt(keys, 'node', chunkSize, total, READ_SIZE, pattern)));
    open.push(megabytesPerSecond(total, timeOpenLoop(frameKey, frames, chunkSize, total)));
    decrypt.push(megabytesPerSecond(total, await timeDecrypt(keys, pieces, total)));
  }
  return {
    ceiling: { chunkSize, seal: summarize(seal), open: summarize(open) },
    stream: {
      backend: 'node',
      chunkSize,
      encrypt: summarize(encrypt),
      decrypt: summarize(decrypt),
      encryptRatio: summarize(pairedRatios(encrypt, seal)),
      decryptRatio: summarize(pairedRatios(decrypt, open)),
    },
  };
}

async function measureNoble(keys: KeyPair, ceiling: CeilingFigures, plan: ThroughputPlan, pattern: Uint8Array): Promise<StreamFigures> {
  const { chunkSize } = ceiling;
  await verifyRoundTrip(keys, 'noble', chunkSize);
  const total = plan.nobleBytes;
  const pieces = slicePieces(await encryptToMemory(keys, 'noble', chunkSize, total, pattern), READ_SIZE);
  const encrypt: number[] = [];
  const decrypt: number[] = [];
  for (let run = 0; run < plan.runs; run++) {
    encrypt.push(megabytesPerSecond(total, await timeEncrypt(keys, 'noble', chunkSize, total, READ_SIZE, pattern)));
    decrypt.push(megabytesPerSecond(total, await timeDecrypt(keys, pieces, total)));
  }
  // The noble figures are set against the node:crypto ceiling of the same chunk size.
  return {
    backend: 'noble',
    chunkSize,
    encrypt: summarize(encrypt),
    decrypt: summarize(decrypt),
    encryptRatio: summarize(encrypt.map((v) => v / ceiling.seal.median)),
    decryptRatio: summarize(decrypt.map((v) => v / ceiling.open.median)),
  };
}

async function measureReadSizes(keys: KeyPair, plan: ThroughputPlan, pattern: Uint8Array): Promise<ReadSizeFigures[]> {
  const total = plan.nodeBytes;
  const ciphertext = await encryptToMemory(keys, 'node', DEFAULT_CHUNK_SIZE, total, pattern);
  const samples = READ_SIZES.map((readSize) => ({ readSize, pieces: slicePieces(ciphertext, readSize), encrypt: [] as number[], decrypt: [] as number[] }));
  for (let run = 0; run < plan.runs; run++) {
    for (const sample of samples) {
      sample.encrypt.push(megabytesPerSecond(total, await timeEncrypt(keys, 'node', DEFAULT_CHUNK_SIZE, total, sample.readSize, pattern)));
      sample.decrypt.push(megabytesPerSecond(total, await timeDecrypt(keys, sample.pieces, total)));
    }
  }
  return samples.map((s) => ({ readSize: s.readSize, encrypt: summarize(s.encrypt), decrypt: summarize(s.decrypt) }));
}

/**
 * Runs measurement 1.
 * @throws Error when a round trip fails or a stream writes the wrong number of bytes
 */
export async function measureThroughput(plan: ThroughputPlan, pattern: Uint8Array, log: (message: string) => void): Promise<ThroughputResults> {
  const nodeKeys = generateKeyPair();
  const nobleKeys = generateKeyPair({ backend: 'noble' });
  const ceilings: CeilingFigures[] = [];
  const streams: StreamFigures[] = [];
  for (const chunkSize of CHUNK_SIZES) {
    log(`throughput: node backend, ${chunkSize / KiB} KiB chunks`);
    const node = await measureNode(nodeKeys, chunkSize, plan, pattern);
    ceilings.push(node.ceiling);
    streams.push(node.stream);
    log(`throughput: noble backend, ${chunkSize / KiB} KiB chunks`);
    streams.push(await measureNoble(nobleKeys, node.ceiling, plan, pattern));
  }
  log('throughput: input read sizes');
  const readSizes = await measureReadSizes(nodeKeys, plan, pattern);
  return { readSize: READ_SIZE, inputBytes: { node: plan.nodeBytes, noble: plan.nobleBytes }, ceilings, streams, readSizes };
}
