/**
 * lib/format/header.ts and lib/recipients/x25519.ts: a parsed version 1 header
 * keeps its X25519 entries where they lie in its private copy. Counting them
 * and finding one's entry happen there, making no view per entry; reading
 * `entries` makes the views, and from then on that array is what counts: a
 * change to it is encoded, a spread copy carries it, and lookups still work.
 */
import { expect } from 'chai';
import { nodeBackend } from '../../lib/crypto/node.js';
import { sealEnvelope } from '../../lib/envelope.js';
import { type Header, countRecipients, encodeHeader, entryTableOf, parseHeader } from '../../lib/format/header.js';
import { PREFIX_LENGTH } from '../../lib/format/prefix.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { unwrapX25519 } from '../../lib/recipients/x25519.js';
import { expectSameBytes, fixedRandomness, strangerKeys } from './support.js';

const MAC_LENGTH = 32;

describe('parsed X25519 entries (lib/format/header.ts)', () => {
  const people = [generateKeyPair(), generateKeyPair(), generateKeyPair()];
  const recipients = [people[0]!.publicKey.x25519, ...strangerKeys(200, 3).map((key) => key.x25519), people[1]!.publicKey.x25519, people[2]!.publicKey.x25519];
  const randomness = fixedRandomness(4);
  const { envelope } = sealEnvelope({ backend: nodeBackend, recipients, chunkExponent: 16, signed: false, randomness: { ...randomness, fileKey: randomness.fileKey.slice() } });
  const headerBytes = envelope.subarray(PREFIX_LENGTH, envelope.length - MAC_LENGTH);
  const parse = (): Header => parseHeader(headerBytes, { maxRecipients: 1000 });

  function expectEveryoneFindsTheFileKey(header: Header): void {
    for (const person of people) {
      const fileKey = unwrapX25519(nodeBackend, header.x25519!, person.privateKey.agreement());
      expectSameBytes(fileKey!, randomness.fileKey, 'file key');
    }
    expect(unwrapX25519(nodeBackend, header.x25519!, generateKeyPair().privateKey.agreement())).to.equal(undefined);
  }

  it('counts the entries and finds each recipient without making views of all of them', () => {
    const header = parse();
    expect(countRecipients(header)).to.equal(recipients.length);
    expectEveryoneFindsTheFileKey(header);
    expectSameBytes(encodeHeader(header), headerBytes, 'header re-encoded from its table');
    expect(entryTableOf(header.x25519!), 'the table is still in use').to.not.equal(undefined);
  });

  it('makes views of the private copy when entries are read, then follows that array', () => {
    const header = parse();
    const { entries } = header.x25519!;
    expect(entries).to.have.length(recipients.length);
    expect(entryTableOf(header.x25519!)).to.equal(undefined);
    expect(new Set(entries.map((entry) => entry.buffer)).size).to.equal(1);
    expectEveryoneFindsTheFileKey(header);
    entries.pop();
    expect(countRecipients(header)).to.equal(recipients.length - 1);
    expect(encodeHeader(header).length).to.equal(headerBytes.length - 66);
  });

  it('follows an array assigned to entries, and gives a spread copy the entries', () => {
    const header = parse();
    const copy: Header = { ...header, x25519: { ...header.x25519!, ephemeral: header.x25519!.ephemeral.slice() } };
    expect(copy.x25519!.entries).to.have.length(recipients.length);
    expectSameBytes(encodeHeader(copy), headerBytes, 'spread copy re-encoded');
    header.x25519!.entries = header.x25519!.entries.slice(0, 1);
    expect(countRecipients(header)).to.equal(1);
    expect(entryTableOf(header.x25519!)).to.equal(undefined);
  });
});
