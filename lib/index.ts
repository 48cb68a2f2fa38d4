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
export { decryptWith, DecryptStream, type DecryptOptions, type Identities } from './stream/decrypt.js';
export { encrypt, decrypt, decryptAndVerify, type VerifiedPlaintext } from './oneshot.js';
export { encryptFile, type EncryptFileOptions } from './file/encrypt-file.js';
export { decryptFile, type DecryptFileOptions, type DecryptFileResult } from './file/decrypt-file.js';
export { type FileJobOptions, type FileJobResult } from './file/endpoints.js';
export { type FileWorkers, startFileWorkers } from './file/file-workers.js';
export { type SenderCard } from './signing/sender-card.js';
export { type SenderDirectory, type VerifyWith, restrictToIdentity } from './signing/verifier.js';
export { ciphertextSize, plaintextSize, type CiphertextSizeOptions, type PayloadLayout } from './sizes.js';
export { type Header } from './format/header.js';
export { armorEncode, armorDecode, autoDearmor, ArmorEncodeStream, ArmorDecodeStream, AutoDearmorStream } from './armor/streams.js';
export { armorBytes, dearmorText, armoredSize, detectArmor, ARMOR_BEGIN, ARMOR_END, ARMOR_LINE_LENGTH } from './armor/armor.js';
export { upload, UploadStream, type UploadOptions, type UploadResponse } from './io/upload.js';
export { download, DownloadStream, type DownloadOptions, type DownloadResponse } from './io/download.js';
export { createAtomicFile, AtomicFileStream, type AtomicFileOptions } from './io/atomic-file.js';
export { type DecryptLimits, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_RECIPIENTS, MAX_HEADER_BYTES, MAX_RECIPIENTS } from './format/limits.js';
export { Card, type CardSignature, type TrustedSigner, type CreateCardOptions, type VerifyCardOptions, createCard, importCard, verifyCard, addSignature, CARD_VERSION, MAX_CARD_BYTES, MAX_ENDORSEMENTS } from './cards/card.js';
export { Revocation, type CreateRevocationOptions, type VerifyRevocationOptions, createRevocation, importRevocation, verifyRevocation } from './cards/revocation.js';
export { normalizeIdentity, isValidIdentity } from './cards/identity.js';
export { type CardDirectory, type RevokeOptions } from './directory/directory.js';
export { type DirectoryTrust } from './directory/checks.js';
export { openLocalDirectory, openCardFolder, type LocalDirectoryOptions, type CardFolderOptions } from './directory/local.js';
export { openDirectory, DirectoryClient, type DirectoryClientOptions } from './directory/client.js';
export { startDirectory, type DirectoryServer, type DirectoryServerOptions } from './directory/server.js';
export { type CardStore } from './directory/storage.js';
export { type AddCardResult } from './directory/card-index.js';
export { type RegistryPolicy } from './directory/registry.js';
