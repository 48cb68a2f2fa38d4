/**
 * Reading the envelope (prefix ‖ header ‖ MAC, spec/format.md §3) off the
 * front of a stream without decrypting, for `inspect` to report what it says.
 */
import { MAC_LENGTH, envelopeLength } from '../envelope.js';
import { HeaderError } from '../errors.js';
import { DEFAULT_MAX_HEADER_BYTES } from '../format/limits.js';
import { PREFIX_LENGTH, couldBeMagic, parsePrefix } from '../format/prefix.js';

/** The envelope and whatever was read past it. */
export interface EnvelopeHead {
  /** prefix ‖ header ‖ MAC. */
  envelope: Buffer;
  /** The header's CBOR bytes. */
  header: Buffer;
  /** Bytes read to get the envelope, which may run past it into the payload. */
  bytesRead: number;
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
  return { envelope, header: envelope.subarray(PREFIX_LENGTH, needed - MAC_LENGTH), bytesRead: all.length };
}
