/**
 * lib/format/prefix.ts: the 16-byte prefix (spec/format.md §3.1). Bad magic
 * and other versions are named apart, the header length is capped before
 * anything is buffered, and a stream fails on the first byte that cannot
 * start the magic.
 */
import { expect } from 'chai';
import { once } from 'node:events';
import { toHex, utf8 } from '../../lib/bytes.js';
import { MAGIC, PREFIX_LENGTH, couldBeMagic, encodePrefix, parsePrefix } from '../../lib/format/prefix.js';
import { MAX_HEADER_BYTES } from '../../lib/format/limits.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { expectCode, thrownBy } from './support.js';

function prefixWithLength(length: number): Uint8Array {
  const prefix = new Uint8Array(PREFIX_LENGTH);
  prefix.set(MAGIC);
  new DataView(prefix.buffer).setUint32(MAGIC.length, length);
  return prefix;
}

describe('prefix (lib/format/prefix.ts)', () => {
  it('is "cardseal/v1\\n" then the header length as 32-bit big-endian', () => {
    expect(PREFIX_LENGTH).to.equal(16);
    expect(toHex(encodePrefix(300))).to.equal(toHex(utf8('cardseal/v1\n')) + '0000012c');
    expect(parsePrefix(encodePrefix(300), 1000)).to.equal(300);
  });

  it('tells whether a partial input can still become the magic', () => {
    expect(couldBeMagic(new Uint8Array(0))).to.equal(true);
    expect(couldBeMagic(utf8('card'))).to.equal(true);
    expect(couldBeMagic(utf8('cardseal/v1\n\0\0'))).to.equal(true);
    expect(couldBeMagic(utf8('cardx'))).to.equal(false);
    expect(couldBeMagic(utf8('C'))).to.equal(false);
  });

  it('names foreign input ERR_HEADER_MAGIC', () => {
    for (const start of ['age-encryption.org/v1\n', 'PK\u0003\u0004 zip', '\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0', 'Cardseal/v1\n\0\0\0\u0001']) {
      expectCode(thrownBy(() => parsePrefix(utf8(start).subarray(0, 16), 1000)), 'ERR_HEADER_MAGIC');
    }
  });

  it('names another cardseal version ERR_HEADER_VERSION', () => {
    for (const start of ['cardseal/v2\n\0\0\0\u0001', 'cardseal/v10\n\0\0\0', 'cardseal/v1\r\0\0\0\u0001']) {
      expectCode(thrownBy(() => parsePrefix(utf8(start), 1000)), 'ERR_HEADER_VERSION');
    }
  });

  it('refuses a zero header length with ERR_HEADER_SCHEMA', () => {
    expectCode(thrownBy(() => parsePrefix(prefixWithLength(0), 1000)), 'ERR_HEADER_SCHEMA');
  });

  it('caps the declared header length: at the cap is accepted, one over is ERR_LIMIT_HEADER_SIZE', () => {
    expect(parsePrefix(prefixWithLength(1000), 1000)).to.equal(1000);
    expectCode(thrownBy(() => parsePrefix(prefixWithLength(1001), 1000)), 'ERR_LIMIT_HEADER_SIZE');
    expectCode(thrownBy(() => parsePrefix(prefixWithLength(0xffffffff), MAX_HEADER_BYTES)), 'ERR_LIMIT_HEADER_SIZE');
  });

  it('reports a prefix cut short after a good magic as ERR_HEADER_TRUNCATED', () => {
    expectCode(thrownBy(() => parsePrefix(utf8('cardseal/v1\n\0\0'), 1000)), 'ERR_HEADER_TRUNCATED');
  });

  it('fails a decrypting stream on the first bytes that cannot start the magic, before the input ends', async () => {
    const stream = decryptWith(generateKeyPair().privateKey);
    const failed = once(stream, 'error');
    stream.write(utf8('PK'));
    const [error] = await failed;
    expectCode(error, 'ERR_HEADER_MAGIC');
  });

  it('fails a decrypting stream on an oversized header claim after 16 bytes, without waiting for the header', async () => {
    const stream = decryptWith(generateKeyPair().privateKey, { maxHeaderBytes: 4096 });
    const failed = once(stream, 'error');
    stream.write(prefixWithLength(4097));
    const [error] = await failed;
    expectCode(error, 'ERR_LIMIT_HEADER_SIZE');
  });
});
