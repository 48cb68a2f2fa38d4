/**
 * Key pairs (spec/format.md §2): an X25519 key for receiving files and an
 * Ed25519 key for signing cards and files, generated together.
 */
import { inspect } from 'node:util';
import { assertBytes, concatBytes, equalConstantTime, wipe } from '../bytes.js';
import { type BackendName, type CryptoBackend, type X25519Agreement, resolveBackend } from '../crypto/index.js';
import { PUBLIC_KEY_PREFIX, SECRET_KEY_PREFIX, decodeKeyText, encodeKeyText } from './key-text.js';

const KEY_LENGTH = 32;

/** A recipient's public keys: X25519 for encryption, Ed25519 for signatures. */
export class PublicKey {
  readonly x25519: Uint8Array;
  readonly ed25519: Uint8Array;

  constructor(x25519: Uint8Array, ed25519: Uint8Array) {
    assertBytes(x25519, 'x25519 public key', KEY_LENGTH);
    assertBytes(ed25519, 'ed25519 public key', KEY_LENGTH);
    this.x25519 = x25519.slice();
    this.ed25519 = ed25519.slice();
  }

  /** The text form, `cardseal_pub1_…` (spec §2.1). */
  toString(): string {
    return encodeKeyText(resolveBackend(undefined), PUBLIC_KEY_PREFIX, concatBytes(this.x25519, this.ed25519));
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: PublicKey): boolean {
    return equalConstantTime(this.x25519, other.x25519) && equalConstantTime(this.ed25519, other.ed25519);
  }
}

/**
 * Parses a public key text form.
 * @throws KeyError ERR_KEY_FORMAT, ERR_KEY_CHECKSUM
 */
export function parsePublicKey(text: string): PublicKey {
  const body = decodeKeyText(resolveBackend(undefined), PUBLIC_KEY_PREFIX, text, 2 * KEY_LENGTH, 'public key');
  return new PublicKey(body.subarray(0, KEY_LENGTH), body.subarray(KEY_LENGTH));
}

/**
 * A private key. It never prints its secret: `String(key)`, `JSON.stringify(key)`
 * and `console.log(key)` show only the public key. `destroy()` overwrites the
 * secret bytes; JavaScript gives no guarantee that no copy survives elsewhere.
 */
export class PrivateKey {
  readonly publicKey: PublicKey;
  readonly backend: CryptoBackend;
  #x25519Secret: Uint8Array;
  #ed25519Seed: Uint8Array;
  #agreement: X25519Agreement | undefined;
  #destroyed = false;

  constructor(x25519Secret: Uint8Array, ed25519Seed: Uint8Array, backend?: BackendName | CryptoBackend) {
    assertBytes(x25519Secret, 'x25519 secret', KEY_LENGTH);
    assertBytes(ed25519Seed, 'ed25519 seed', KEY_LENGTH);
    this.backend = resolveBackend(backend);
    this.#x25519Secret = x25519Secret.slice();
    this.#ed25519Seed = ed25519Seed.slice();
    const agreement = this.backend.createX25519(this.#x25519Secret);
    this.#agreement = agreement;
    this.publicKey = new PublicKey(agreement.publicKey, this.backend.ed25519PublicKey(this.#ed25519Seed));
  }

  #assertLive(): void {
    if (this.#destroyed) throw new RangeError('private key has been destroyed');
  }

  /** X25519 agreement with the key's secret, for finding header entries (spec §5.3). */
  agreement(): X25519Agreement {
    this.#assertLive();
    this.#agreement ??= this.backend.createX25519(this.#x25519Secret);
    return this.#agreement;
  }

  /** Ed25519 signature of `message`. */
  sign(message: Uint8Array): Uint8Array {
    this.#assertLive();
    return this.backend.ed25519Sign(this.#ed25519Seed, message);
  }

  /** The secret bytes, x25519 secret ‖ ed25519 seed, as a fresh copy the caller must wipe. */
  exportSecretBytes(): Uint8Array {
    this.#assertLive();
    return concatBytes(this.#x25519Secret, this.#ed25519Seed);
  }

  /** The unprotected text form, `CARDSEAL_SECRET1_…`. Handle it as the key itself. */
  export(): string {
    const body = this.exportSecretBytes();
    try {
      return encodeKeyText(this.backend, SECRET_KEY_PREFIX, body);
    } finally {
      wipe(body);
    }
  }

  /** Overwrites the secret bytes. Later use throws RangeError. */
  destroy(): void {
    wipe(this.#x25519Secret, this.#ed25519Seed);
    this.#agreement = undefined;
    this.#destroyed = true;
  }

  toString(): string {
    return `[cardseal PrivateKey for ${this.publicKey.toString()}]`;
  }

  toJSON(): string {
    return this.toString();
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** A matching public and private key. */
export interface KeyPair {
  publicKey: PublicKey;
  privateKey: PrivateKey;
}

/** Options for {@link generateKeyPair}. */
export interface GenerateKeyPairOptions {
  backend?: BackendName | CryptoBackend;
}

/** Generates a fresh key pair from the backend's secure random source. */
export function generateKeyPair(options: GenerateKeyPairOptions = {}): KeyPair {
  const backend = resolveBackend(options.backend);
  const secret = backend.randomBytes(2 * KEY_LENGTH);
  try {
    const privateKey = new PrivateKey(secret.subarray(0, KEY_LENGTH), secret.subarray(KEY_LENGTH), backend);
    return { publicKey: privateKey.publicKey, privateKey };
  } finally {
    wipe(secret);
  }
}

/**
 * Parses an unprotected private key text form (`CARDSEAL_SECRET1_…`).
 * @throws KeyError ERR_KEY_FORMAT, ERR_KEY_CHECKSUM
 */
export function parsePrivateKey(text: string, options: GenerateKeyPairOptions = {}): PrivateKey {
  const backend = resolveBackend(options.backend);
  const body = decodeKeyText(backend, SECRET_KEY_PREFIX, text, 2 * KEY_LENGTH, 'private key');
  try {
    return new PrivateKey(body.subarray(0, KEY_LENGTH), body.subarray(KEY_LENGTH), backend);
  } finally {
    wipe(body);
  }
}
