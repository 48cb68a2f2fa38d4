/**
 * The primitives cardseal needs, behind one small interface with two
 * implementations: `node` (node:crypto, the default on Node) and `noble`
 * (@noble/*, pure JS and portable). Both produce identical bytes for identical
 * inputs and randomness; test/crypto-backends.test.ts proves it.
 *
 * Inputs are validated by the callers (lengths are fixed by spec/format.md), so
 * backends stay thin.
 */

/** An X25519 secret bound once, then agreed with many peers (header building, spec/format.md §5.2). */
export interface X25519Agreement {
  readonly publicKey: Uint8Array;
  /**
   * The raw X25519 output with `peerPublicKey`. A low-order peer yields all zeros
   * (both backends normalise their failure to that), which callers must reject.
   */
  agree(peerPublicKey: Uint8Array): Uint8Array;
}

/** Incremental SHA-256, for hashing a transcript as it streams. */
export interface Sha256Stream {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

/** The cipher suite's primitives and those of keys and signatures (spec/format.md §1.2). */
export interface CryptoBackend {
  readonly name: 'node' | 'noble';
  randomBytes(length: number): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  createSha256(): Sha256Stream;
  hmacSha256(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array;
  createX25519(secret: Uint8Array): X25519Agreement;
  ed25519PublicKey(seed: Uint8Array): Uint8Array;
  ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
  ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** ChaCha20-Poly1305 (RFC 8439). Returns ciphertext ‖ 16-byte tag. */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /** ChaCha20-Poly1305 open of ciphertext ‖ tag; undefined when the tag does not verify. */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array): Uint8Array | undefined;
  /**
   * Payload fast path for a plaintext given in pieces: seals the pieces in order
   * without joining them first, and returns the ciphertext in pieces followed by
   * the 16-byte tag, so a writer can pass them on without concatenating.
   */
  sealSegments(key: Uint8Array, nonce: Uint8Array, segments: readonly Uint8Array[]): { ciphertext: Uint8Array[]; tag: Uint8Array };
  /** Payload fast path: open a ciphertext and tag given separately; undefined when the tag fails. */
  openParts(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | undefined;
  /**
   * Payload fast path for a ciphertext that arrived in pieces: opens the pieces
   * in order without joining them first, and returns the plaintext in pieces.
   * Nothing is returned unless the tag verifies.
   */
  openSegments(key: Uint8Array, nonce: Uint8Array, segments: readonly Uint8Array[], tag: Uint8Array): Uint8Array[] | undefined;
  /** scrypt (RFC 7914) with N = 2^logN. */
  scrypt(passphrase: Uint8Array, salt: Uint8Array, logN: number, r: number, p: number, length: number): Promise<Uint8Array>;
}

/** The names accepted wherever a backend can be chosen. */
export type BackendName = CryptoBackend['name'];
