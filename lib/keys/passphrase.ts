/**
 * Passphrase-protected private keys (spec/format.md §2.2): scrypt with a bounded
 * work factor derives a key that seals the 64 secret bytes with ChaCha20-Poly1305.
 */
import { assertInteger, concatBytes, utf8, wipe } from '../bytes.js';
import { LABELS } from '../crypto/kdf.js';
import { type BackendName, type CryptoBackend, resolveBackend } from '../crypto/index.js';
import { KeyError } from '../errors.js';
import { prefixFamily } from '../format/text-prefix.js';
import { LOCKED_KEY_PREFIX, decodeKeyText, encodeKeyText } from './key-text.js';
import { PrivateKey, parsePrivateKey } from './keys.js';

/** scrypt log2(N) used when none is given: 2^18, about 256 MiB and a second or so. */
export const DEFAULT_WORK_FACTOR = 18;
/** Lowest work factor accepted on export; below it a passphrase falls to brute force too cheaply. */
export const MIN_WORK_FACTOR = 10;
/** Highest work factor accepted on import unless the caller raises it: 2^20 is 1 GiB of memory. */
export const DEFAULT_MAX_WORK_FACTOR = 20;
/** No key may ask for more than 2^22 (4 GiB). */
export const MAX_WORK_FACTOR = 22;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_LENGTH = 16;
const SECRET_LENGTH = 64;
const SEALED_LENGTH = SECRET_LENGTH + 16;
const BODY_LENGTH = 1 + SALT_LENGTH + SEALED_LENGTH;
const ZERO_NONCE = new Uint8Array(12);

function passphraseBytes(passphrase: string): Uint8Array {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase must be a string');
  if (passphrase.length === 0) throw new RangeError('passphrase must not be empty');
  // NFC, so the same passphrase typed on different systems gives the same bytes.
  return utf8(passphrase.normalize('NFC'));
}

async function deriveKey(backend: CryptoBackend, passphrase: string, salt: Uint8Array, workFactor: number): Promise<Uint8Array> {
  const secret = passphraseBytes(passphrase);
  try {
    return await backend.scrypt(secret, concatBytes(LABELS.keyExport, salt), workFactor, SCRYPT_R, SCRYPT_P, 32);
  } finally {
    wipe(secret);
  }
}

function associatedData(workFactor: number): Uint8Array {
  return concatBytes(utf8(LOCKED_KEY_PREFIX), Uint8Array.of(workFactor));
}

/** Options for {@link lockPrivateKey}. */
export interface LockOptions {
  /** scrypt log2(N), from 10 to 22. Default 18. */
  workFactor?: number;
}

/** Exports `key` as a `CARDSEAL_LOCKED1_…` text that only `passphrase` opens. */
export async function lockPrivateKey(key: PrivateKey, passphrase: string, options: LockOptions = {}): Promise<string> {
  const workFactor = options.workFactor ?? DEFAULT_WORK_FACTOR;
  assertInteger(workFactor, 'workFactor', MIN_WORK_FACTOR, MAX_WORK_FACTOR);
  const backend = key.backend;
  const salt = backend.randomBytes(SALT_LENGTH);
  const wrapKey = await deriveKey(backend, passphrase, salt, workFactor);
  const secret = key.exportSecretBytes();
  try {
    const sealed = backend.seal(wrapKey, ZERO_NONCE, secret, associatedData(workFactor));
    return encodeKeyText(backend, LOCKED_KEY_PREFIX, concatBytes(Uint8Array.of(workFactor), salt, sealed));
  } finally {
    wipe(wrapKey, secret);
  }
}

/** Options for {@link importPrivateKey}. */
export interface ImportKeyOptions {
  /** Needed when the text is a locked key. */
  passphrase?: string;
  /** Highest scrypt log2(N) to accept, to bound memory and time. Default 20. */
  maxWorkFactor?: number;
  backend?: BackendName | CryptoBackend;
}

/** True when `text` is a passphrase-protected key. */
export function isLockedKeyText(text: string): boolean {
  return text.trim().startsWith(LOCKED_KEY_PREFIX);
}

/**
 * Reads a private key text, locked or not. A key file's comment lines (`#`) are skipped.
 * @throws KeyError ERR_KEY_FORMAT, ERR_KEY_CHECKSUM, ERR_KEY_PASSPHRASE, ERR_KEY_WORK_FACTOR
 */
export async function importPrivateKey(text: string, options: ImportKeyOptions = {}): Promise<PrivateKey> {
  if (typeof text !== 'string') throw new TypeError('private key text must be a string');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length !== 1) throw new KeyError('ERR_KEY_FORMAT', `a key file must hold exactly one key line, found ${lines.length}`);
  const line = lines[0]!;
  const backend = resolveBackend(options.backend);
  // Told apart by family, so another version of either kind is reported as such, not as a bad locked key.
  if (!line.startsWith(prefixFamily(LOCKED_KEY_PREFIX))) return parsePrivateKey(line, { backend });
  const body = decodeKeyText(backend, LOCKED_KEY_PREFIX, line, BODY_LENGTH, 'locked private key');
  const workFactor = body[0]!;
  const maxWorkFactor = options.maxWorkFactor ?? DEFAULT_MAX_WORK_FACTOR;
  assertInteger(maxWorkFactor, 'maxWorkFactor', MIN_WORK_FACTOR, MAX_WORK_FACTOR);
  if (workFactor < MIN_WORK_FACTOR || workFactor > maxWorkFactor) {
    throw new KeyError('ERR_KEY_WORK_FACTOR', `locked key asks for scrypt work factor ${workFactor}, outside ${MIN_WORK_FACTOR}..${maxWorkFactor}`);
  }
  if (options.passphrase === undefined) throw new KeyError('ERR_KEY_PASSPHRASE', 'the private key is locked and no passphrase was given');
  const wrapKey = await deriveKey(backend, options.passphrase, body.subarray(1, 1 + SALT_LENGTH), workFactor);
  const secret = backend.open(wrapKey, ZERO_NONCE, body.subarray(1 + SALT_LENGTH), associatedData(workFactor));
  wipe(wrapKey, body);
  if (secret === undefined) throw new KeyError('ERR_KEY_PASSPHRASE', 'wrong passphrase for the locked private key');
  try {
    return new PrivateKey(secret.subarray(0, 32), secret.subarray(32), backend);
  } finally {
    wipe(secret);
  }
}
