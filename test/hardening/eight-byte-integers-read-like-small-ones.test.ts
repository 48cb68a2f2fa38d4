/**
 * Integers from 2^32 to 2^53 − 1 take an 8-byte argument, which cbor-x decodes
 * as a bigint. The schema (spec/format.md §7.4 rule 6) must read them as the
 * unsigned or negative integers they are: an unknown stanza type is skipped,
 * an extension key is ignored, an out-of-range chunk exponent is a limit and
 * an unknown suite is ERR_HEADER_SUITE, never ERR_HEADER_SCHEMA for the width.
 */
import { expect } from 'chai';
import { parseHeader } from '../../lib/format/header.js';
import { type CborNode, readTree, writeTree } from '../fuzz/cbor-tree.js';
import { type SealedSample, replaceHeader, sealSample } from '../fuzz/corpus.js';
import { decryptInOneShot } from '../fuzz/decrypt-run.js';

const BIG = 2n ** 40n;

function int(major: 0 | 1, argument: bigint): CborNode {
  return { kind: 'int', major, argument };
}

/** The sample's header map, changed by `edit`, written back canonically. */
function editHeader(sample: SealedSample, edit: (entries: [CborNode, CborNode][]) => void): Uint8Array {
  const root = readTree(sample.header);
  if (root.kind !== 'map') throw new Error('the header is a map');
  edit(root.entries);
  return writeTree(root);
}

function parse(header: Uint8Array): unknown {
  try {
    return parseHeader(header, { maxRecipients: 10 });
  } catch (error) {
    return error;
  }
}

describe('8-byte integers in the header read like small ones', () => {
  let sample: SealedSample;

  before(async () => {
    sample = await sealSample({ name: 'eight-byte-integers', plaintextLength: 100, chunkSize: 4096, recipients: 1 });
  });

  it('a stanza of unknown type 2^40 is skipped, and the file still decrypts', async () => {
    const header = editHeader(sample, (entries) => {
      const stanzas = entries[3]![1];
      if (stanzas.kind === 'array') stanzas.items.push({ kind: 'array', items: [int(0, BIG), { kind: 'bytes', data: new Uint8Array(3) }] });
    });
    expect(parse(header)).to.have.nested.property('otherStanzas.length', 1);
    const result = await decryptInOneShot(replaceHeader(sample, header, true), sample.privateKey);
    expect(result.error).to.equal(undefined);
    expect(Buffer.from(result.released).equals(sample.plaintext)).to.equal(true);
  });

  it('extension keys -1 - 2^40 and -2^53 (the smallest integer allowed) are ignored, and the file still decrypts', async () => {
    for (const argument of [BIG, 2n ** 53n - 1n]) {
      const header = editHeader(sample, (entries) => entries.push([int(1, argument), { kind: 'bytes', data: new Uint8Array(2) }]));
      expect(parse(header)).to.have.nested.property('extensions.size', 1);
      const result = await decryptInOneShot(replaceHeader(sample, header, true), sample.privateKey);
      expect(result.error).to.equal(undefined);
    }
  });

  it('a chunk exponent of 2^40 is ERR_LIMIT_CHUNK_SIZE and a suite of 2^40 is ERR_HEADER_SUITE', () => {
    expect(parse(editHeader(sample, (entries) => (entries[1]![1] = int(0, BIG))))).to.have.property('code', 'ERR_LIMIT_CHUNK_SIZE');
    expect(parse(editHeader(sample, (entries) => (entries[0]![1] = int(0, BIG))))).to.have.property('code', 'ERR_HEADER_SUITE');
  });

  it('a sender mode of 2^40 is ERR_HEADER_SCHEMA naming the number, and one of bytes names no input', () => {
    const big = parse(editHeader(sample, (entries) => entries.push([int(0, 5n), int(0, BIG)])));
    expect(big).to.have.property('code', 'ERR_HEADER_SCHEMA');
    expect(big).to.have.property('message').that.includes(String(BIG));
    const bytes = parse(editHeader(sample, (entries) => entries.push([int(0, 5n), { kind: 'bytes', data: new Uint8Array(200).fill(0x41) }])));
    expect(bytes).to.have.property('code', 'ERR_HEADER_SCHEMA');
    expect(bytes).to.have.property('message').that.does.not.include('65,65');
  });
});
