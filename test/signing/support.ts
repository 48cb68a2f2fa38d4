/**
 * Shared support for test/signing: senders with real cards, signed files made
 * by the real EncryptStream, and the parts of a signed file (spec/format.md §9).
 */
import { Card, createCard } from '../../lib/cards/card.js';
import type { BackendName } from '../../lib/crypto/index.js';
import { type EnvelopeKeys, type EnvelopeRandomness, envelopeLength, openEnvelope } from '../../lib/envelope.js';
import { MAX_HEADER_BYTES, MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { PREFIX_LENGTH, parsePrefix } from '../../lib/format/prefix.js';
import { type KeyPair, type PrivateKey, generateKeyPair } from '../../lib/keys/keys.js';
import type { Recipient } from '../../lib/recipients/recipient.js';
import type { EncryptOptions } from '../../lib/stream/encrypt.js';
import { SIGNATURE_BLOCK_LENGTH } from '../../lib/stream/frame.js';
import { C, encryptPiped } from '../core/support.js';

/** A sender: a key pair and the real card that names it. */
export interface Sender {
  keys: KeyPair;
  card: Card;
}

/** A fresh key pair with a self-signed card for `identity`. */
export function makeSender(identity: string, options: { device?: string; backend?: BackendName } = {}): Sender {
  const keys = generateKeyPair({ backend: options.backend });
  return { keys, card: createCard(keys, { identity, ...(options.device === undefined ? {} : { device: options.device }) }) };
}

/** Another card for the same key pair: same Ed25519 key, another id. */
export function secondCard(sender: Sender, device: string): Card {
  return createCard(sender.keys, { identity: sender.card.identity, device });
}

/** The encrypt options that sign as `sender`. */
export function signedBy(sender: Sender, options: EncryptOptions = {}): EncryptOptions {
  return { ...options, signWith: sender.keys, senderCard: sender.card };
}

/** Encrypts `plaintext` with chunks of C, signed by `sender`, through a real pipeline. */
export function encryptSigned(sender: Sender, recipients: Recipient[], plaintext: Uint8Array, randomness?: EnvelopeRandomness): Promise<Uint8Array> {
  return encryptPiped(recipients, plaintext, C + 1, signedBy(sender, { chunkSize: C }), randomness);
}

/** The sealed signature block that ends a signed file. */
export function signatureBlockOf(file: Uint8Array): Uint8Array {
  return file.subarray(file.length - SIGNATURE_BLOCK_LENGTH);
}

/** A signed file without its signature block. */
export function withoutBlock(file: Uint8Array): Uint8Array {
  return file.subarray(0, file.length - SIGNATURE_BLOCK_LENGTH);
}

/** True when `needle` occurs anywhere in `haystack`. */
export function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.length).indexOf(Buffer.from(needle)) >= 0;
}

/** What a recipient learns from a file: its envelope bytes, and the keys its private key opens (file key included). */
export function openAsRecipient(file: Uint8Array, privateKey: PrivateKey): { envelope: Uint8Array; keys: EnvelopeKeys } {
  const envelope = file.slice(0, envelopeLength(parsePrefix(file.subarray(0, PREFIX_LENGTH), MAX_HEADER_BYTES)));
  return { envelope, keys: openEnvelope(envelope, privateKey, MAX_RECIPIENTS) };
}
