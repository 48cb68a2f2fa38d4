/**
 * Shared test support for test/core: deterministic bytes, piece-wise sources,
 * real stream pipelines, and error assertions by code.
 */
import { expect } from 'chai';
import { Readable, type Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { concatBytes } from '../../lib/bytes.js';
import type { EnvelopeRandomness } from '../../lib/envelope.js';
import { CardsealError, ERROR_CODES, type ErrorCode } from '../../lib/errors.js';
import { type PrivateKey, PublicKey } from '../../lib/keys/keys.js';
import type { Recipient } from '../../lib/recipients/recipient.js';
import { type DecryptOptions, DecryptStream } from '../../lib/stream/decrypt.js';
import { type EncryptOptions, EncryptStream } from '../../lib/stream/encrypt.js';

/**
 * Canonical X25519 u-coordinates whose shared secret is all zeros (RFC 7748
 * §6.1 says to reject that): 0, 1, the two points of order 8, and p − 1.
 * Hex, little-endian as on the wire.
 */
export const LOW_ORDER_POINTS = [
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000000',
  'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
  '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
];
/** p = 2^255 − 19 itself: not reduced, and all zeros once it is. */
export const FIELD_PRIME_POINT = 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f';

/** The small chunk size most tests use, so chunk boundaries are cheap to reach. */
export const C = 4096;
export const MIB = 1 << 20;
/** Poly1305 tag bytes after every chunk. */
export const TAG = 16;

/** Deterministic pseudo-random bytes (xorshift32), so a failing case can be replayed. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = state & 0xff;
  }
  return out;
}

/** Bytes from hex that may contain spaces, colons or newlines (as RFCs print them). */
export function hexBytes(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`bad hex in test: ${clean.slice(0, 16)}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** Splits `bytes` into consecutive pieces, cycling through `sizes`; empty input yields nothing. */
export function* splitInto(bytes: Uint8Array, sizes: number | readonly number[]): Generator<Uint8Array> {
  const list = typeof sizes === 'number' ? [sizes] : sizes;
  for (let offset = 0, i = 0; offset < bytes.length; i++) {
    const size = Math.max(1, list[i % list.length]!);
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

/** What a pipeline delivered to its sink, and how it ended. */
export interface PipelineOutcome {
  output: Uint8Array;
  error: unknown;
}

/** Runs `bytes`, written in pieces of `sizes`, through `stages` with stream.pipeline into a collecting sink. */
export async function runPipeline(bytes: Uint8Array, sizes: number | readonly number[], ...stages: Transform[]): Promise<PipelineOutcome> {
  const parts: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk: Uint8Array, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  // Object mode keeps each piece a separate write, so the piece sizes are exactly what the first stage sees.
  const source = Readable.from(splitInto(bytes, sizes), { objectMode: true });
  let error: unknown;
  await pipeline([source, ...stages, sink]).catch((e: unknown) => {
    error = e;
  });
  return { output: concatBytes(...parts), error };
}

/** Encrypts through a real pipeline, writing `writeSize`-byte pieces; throws on any stream error. */
export async function encryptPiped(recipients: Recipient[], plaintext: Uint8Array, writeSize: number | readonly number[], options: EncryptOptions = {}, randomness?: EnvelopeRandomness): Promise<Uint8Array> {
  const stream = new EncryptStream(recipients, options, randomness === undefined ? {} : { randomness });
  const { output, error } = await runPipeline(plaintext, writeSize, stream);
  if (error !== undefined) throw error;
  return output;
}

/** Decrypts through a real pipeline, writing `readSize`-byte pieces of ciphertext. */
export function decryptPiped(key: PrivateKey, ciphertext: Uint8Array, readSize: number | readonly number[], options: DecryptOptions = {}): Promise<PipelineOutcome> {
  return runPipeline(ciphertext, readSize, new DecryptStream(key, options));
}

/** Asserts that `error` is a CardsealError carrying `code` (never a bare TypeError or RangeError). */
export function expectCode(error: unknown, code: ErrorCode): void {
  expect(error, `expected ${code}`).to.be.instanceOf(CardsealError);
  expect((error as CardsealError).code).to.equal(code);
}

/** Asserts that `error` is a CardsealError with a code from the table, and returns the code. */
export function expectSomeCode(error: unknown): ErrorCode {
  if (!(error instanceof CardsealError)) {
    throw new Error(`expected a CardsealError, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
  expect(ERROR_CODES).to.have.property(error.code);
  return error.code;
}

/** Runs `fn`, which must throw synchronously, and returns what it threw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Fixed per-file randomness derived from `seed`. Fresh arrays each call: streams wipe the file key they are given. */
export function fixedRandomness(seed: number): EnvelopeRandomness {
  return {
    fileKey: patternBytes(32, seed * 3 + 1),
    ephemeralSecret: patternBytes(32, seed * 3 + 2),
    payloadNonce: patternBytes(16, seed * 3 + 3),
  };
}

/** A public key whose X25519 half is `count` distinct random points: cheap stand-ins for recipients nobody decrypts as. */
export function strangerKeys(count: number, seed = 7): PublicKey[] {
  const bytes = patternBytes(count * 32, seed);
  const ed25519 = new Uint8Array(32);
  return Array.from({ length: count }, (_, i) => {
    const x25519 = bytes.slice(i * 32, i * 32 + 32);
    // Clear the top bit: a canonical u-coordinate, as every real public key has.
    x25519[31] = x25519[31]! & 0x7f;
    return new PublicKey(x25519, ed25519);
  });
}

/** Asserts byte equality, reporting lengths and the first differing offset rather than dumping arrays. */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  if (actual.length === expected.length && Buffer.compare(actual, expected) === 0) return;
  let i = 0;
  while (i < Math.min(actual.length, expected.length) && actual[i] === expected[i]) i++;
  expect.fail(`${what} differ: lengths ${actual.length} vs ${expected.length}, first difference at ${i}`);
}

/** True when `prefix` is a prefix of `whole`. */
export function isPrefixOf(prefix: Uint8Array, whole: Uint8Array): boolean {
  return prefix.length <= whole.length && Buffer.compare(prefix, whole.subarray(0, prefix.length)) === 0;
}
