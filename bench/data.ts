/**
 * Inputs and sinks for the measurements: a generated input stream that hands
 * out views of one random block (no allocation per read, so the generator
 * costs next to nothing), a replaying stream for prepared ciphertext, a
 * counting sink, and input files written from the same block.
 */
import { randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/** The size of each generated input read, as fs.createReadStream hands them out by default. */
export const READ_SIZE = 64 * KiB;

/** Size of the random block every generated input repeats. */
const PATTERN_LENGTH = 4 * MiB;

/**
 * A block of random bytes. Random, so no peer can win by compressing it;
 * filled in place, so no second copy lingers in a memory measurement.
 */
export function createPattern(length = PATTERN_LENGTH): Uint8Array {
  return randomFillSync(new Uint8Array(length));
}

/**
 * A stream of `total` bytes read `pieceSize` at a time, each piece a view of
 * `pattern`, the way a file stream hands out its reads.
 * @throws RangeError unless `pieceSize` divides the pattern length
 */
export function createGeneratedInput(total: number, pieceSize: number, pattern: Uint8Array): Readable {
  if (pattern.length % pieceSize !== 0) throw new RangeError(`pieceSize ${pieceSize} must divide the pattern length ${pattern.length}`);
  let sent = 0;
  return new Readable({
    highWaterMark: pieceSize,
    read() {
      while (sent < total) {
        const offset = sent % pattern.length;
        const length = Math.min(pieceSize, total - sent);
        sent += length;
        if (!this.push(pattern.subarray(offset, offset + length))) return;
      }
      this.push(null);
    },
  });
}

/** A stream that replays prepared pieces in order. */
export function createReplayInput(pieces: readonly Uint8Array[]): Readable {
  let next = 0;
  return new Readable({
    read() {
      while (next < pieces.length) {
        if (!this.push(pieces[next++])) return;
      }
      this.push(null);
    },
  });
}

/** Cuts `bytes` into views of `pieceSize` bytes (the last may be shorter). */
export function slicePieces(bytes: Uint8Array, pieceSize: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += pieceSize) pieces.push(bytes.subarray(offset, offset + pieceSize));
  return pieces;
}

/** A sink that counts bytes and, when asked, keeps them. */
export class CountingSink extends Writable {
  bytes = 0;
  readonly #kept: Uint8Array[] | undefined;

  constructor(keep = false) {
    super({ highWaterMark: MiB });
    this.#kept = keep ? [] : undefined;
  }

  /** Everything written, as one array. Only for a sink created with `keep`. */
  get kept(): Uint8Array {
    if (this.#kept === undefined) throw new Error('internal error: this sink keeps nothing');
    return new Uint8Array(Buffer.concat(this.#kept));
  }

  override _write(chunk: Uint8Array, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    this.#kept?.push(chunk);
    callback();
  }

  override _writev(chunks: { chunk: Uint8Array }[], callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) {
      this.bytes += chunk.length;
      this.#kept?.push(chunk);
    }
    callback();
  }
}

/** Writes a file of `total` bytes repeating `pattern`. */
export async function writeInputFile(path: string, total: number, pattern: Uint8Array): Promise<void> {
  await pipeline(createGeneratedInput(total, MiB, pattern), createWriteStream(path));
}

/** True when two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}
