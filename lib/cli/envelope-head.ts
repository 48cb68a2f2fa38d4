/**
 * Reading the envelope (prefix ‖ header ‖ MAC, spec/format.md §3) off the
 * front of a stream without decrypting: `inspect` reports what it says, and
 * `decrypt` uses it to choose which of several keys opens the file before the
 * payload is read. The bytes read are handed back so the stream can go on.
 */
import { wipe } from '../bytes.js';
import { MAC_LENGTH, envelopeLength, openEnvelope } from '../envelope.js';
import { HeaderError, NoMatchError, hasCode } from '../errors.js';
import { DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_RECIPIENTS } from '../format/limits.js';
import { PREFIX_LENGTH, couldBeMagic, parsePrefix } from '../format/prefix.js';
import type { PrivateKey } from '../keys/keys.js';

/** The envelope and whatever was read past it. */
export interface EnvelopeHead {
  /** prefix ‖ header ‖ MAC. */
  envelope: Buffer;
  /** The header's CBOR bytes. */
  header: Buffer;
  /** Every byte read: the envelope, then the start of the payload, to hand on as it is. */
  read: Buffer;
}

/**
 * Reads until the envelope is complete.
 * @throws HeaderError ERR_HEADER_MAGIC, ERR_HEADER_VERSION, ERR_HEADER_TRUNCATED; LimitError ERR_LIMIT_HEADER_SIZE
 */
export async function readEnvelopeHead(source: AsyncIterator<Buffer>): Promise<EnvelopeHead> {
  const parts: Buffer[] = [];
  let length = 0;
  let needed = PREFIX_LENGTH;
  let prefixParsed = false;
  for (;;) {
    if (length >= needed) {
      if (prefixParsed) break;
      const prefix = Buffer.concat(parts).subarray(0, PREFIX_LENGTH);
      needed = envelopeLength(parsePrefix(prefix, DEFAULT_MAX_HEADER_BYTES));
      prefixParsed = true;
      continue;
    }
    const next = await source.next();
    if (next.done === true) {
      // Input shorter than a prefix may still show the wrong magic; the prefix parser names which.
      const partial = Buffer.concat(parts);
      if (!prefixParsed && !couldBeMagic(partial)) parsePrefix(Buffer.concat([partial, Buffer.alloc(PREFIX_LENGTH)]), DEFAULT_MAX_HEADER_BYTES);
      throw new HeaderError('ERR_HEADER_TRUNCATED', 'input ended inside the header');
    }
    parts.push(next.value);
    length += next.value.length;
  }
  const all = Buffer.concat(parts);
  const envelope = all.subarray(0, needed);
  return { envelope, header: envelope.subarray(PREFIX_LENGTH, needed - MAC_LENGTH), read: all };
}

/**
 * The first key that opens `envelope`. Only "not for this key" moves on to the
 * next key; any other failure (a bad header, a wrong MAC) is the file's and is thrown.
 * @throws NoMatchError ERR_NO_MATCH; HeaderError, LimitError, HeaderMacError from the envelope
 */
export function selectKey(envelope: Uint8Array, keys: readonly PrivateKey[]): PrivateKey {
  for (const key of keys) {
    try {
      const opened = openEnvelope(envelope, key, DEFAULT_MAX_RECIPIENTS);
      // Only the choice of key is kept; the decrypter derives every key again.
      wipe(opened.fileKey, opened.payloadKey, opened.signatureKey);
      return key;
    } catch (error) {
      if (!hasCode(error, 'ERR_NO_MATCH')) throw error;
    }
  }
  const tried = keys.length === 1 ? 'the given key' : `any of the ${keys.length} given keys`;
  throw new NoMatchError('ERR_NO_MATCH', `the file is not encrypted to ${tried}`);
}
