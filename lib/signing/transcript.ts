/**
 * The transcript a sender signature covers (spec/format.md §9.3):
 *
 *   transcript = SHA-256(envelope ‖ SHA-256(sealed chunk 0) ‖ … ‖ SHA-256(sealed chunk n−1))
 *
 * where the envelope is prefix ‖ header ‖ MAC and a sealed chunk is its
 * ciphertext ‖ tag, both exactly as on the wire. Each chunk is hashed on its
 * own so that the work stays per chunk, like sealing: chunks sealed in parallel
 * can be hashed where they are sealed, and only 32 bytes per chunk are folded
 * in order.
 */
import type { CryptoBackend, Sha256Stream } from '../crypto/index.js';

/** A running transcript hash, fed the envelope first and then every sealed chunk in order. */
export class Transcript {
  readonly #backend: CryptoBackend;
  readonly #hash: Sha256Stream;

  constructor(backend: CryptoBackend, envelope: Uint8Array) {
    this.#backend = backend;
    this.#hash = backend.createSha256();
    this.#hash.update(envelope);
  }

  /** Folds in the next sealed chunk (ciphertext ‖ tag as on the wire), given as its pieces in order. */
  addChunk(sealedPieces: readonly Uint8Array[]): void {
    this.addChunkHashes(hashSealedChunk(this.#backend, sealedPieces));
  }

  /** Folds in the SHA-256 hashes of the next sealed chunks, 32 bytes each, in order, computed where they were sealed. */
  addChunkHashes(hashes: Uint8Array): void {
    this.#hash.update(hashes);
  }

  /** The transcript hash, once every chunk has been added. It takes no more input after this. */
  digest(): Uint8Array {
    return this.#hash.digest();
  }
}

/** SHA-256 of one sealed chunk given as its pieces in order: what the transcript folds in for it. */
export function hashSealedChunk(backend: CryptoBackend, sealedPieces: readonly Uint8Array[]): Uint8Array {
  const chunkHash = backend.createSha256();
  for (const piece of sealedPieces) chunkHash.update(piece);
  return chunkHash.digest();
}
