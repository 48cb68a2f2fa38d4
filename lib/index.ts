/**
 * cardseal: streaming multi-recipient encryption to verified cards.
 * Public API: re-exports only.
 */
export { ERROR_CODES, type ErrorCode, CardsealError, HeaderError, NoMatchError, HeaderMacError, PayloadError, LimitError, KeyError, CardError, DirectoryError, SignatureError, ArmorError, HttpError, UsageError, FileError } from './errors.js';
export { type BackendName, type CryptoBackend } from './crypto/index.js';
export { PublicKey, PrivateKey, type KeyPair, generateKeyPair, parsePublicKey, parsePrivateKey } from './keys/keys.js';
export { lockPrivateKey, importPrivateKey, isLockedKeyText, type LockOptions, type ImportKeyOptions } from './keys/passphrase.js';
export { type Recipient, type RecipientCard } from './recipients/recipient.js';
export { encryptFor, EncryptStream, type EncryptOptions } from './stream/encrypt.js';
export { decryptWith, DecryptStream, type DecryptOptions } from './stream/decrypt.js';
export { encrypt, decrypt } from './oneshot.js';
export { ciphertextSize, plaintextSize, type CiphertextSizeOptions, type PayloadLayout } from './sizes.js';
export { type Header } from './format/header.js';
export { type DecryptLimits, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_RECIPIENTS, MAX_HEADER_BYTES, MAX_RECIPIENTS } from './format/limits.js';
