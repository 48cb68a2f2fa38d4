/**
 * With 10,000 recipients (the default decrypt cap) a recipient still finds its
 * entry with one X25519 operation (spec/format.md §5.3): decrypting costs about
 * the same as with one recipient, not 10,000 trials. Timed on the noble backend,
 * where a trial per entry would take seconds.
 */
import { expect } from 'chai';
import { type Header } from '../../lib/format/header.js';
import { DEFAULT_MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { generateKeyPair, parsePrivateKey } from '../../lib/keys/keys.js';
import { nobleBackend } from '../../lib/crypto/noble.js';
import { DecryptStream } from '../../lib/stream/decrypt.js';
import { EncryptStream } from '../../lib/stream/encrypt.js';
import { ciphertextSize } from '../../lib/sizes.js';
import { C, expectSameBytes, patternBytes, runPipeline, strangerKeys } from './support.js';

describe('10,000 recipients: one X25519 agreement to find an entry', () => {
  const people = Array.from({ length: 3 }, () => generateKeyPair());
  const plaintext = patternBytes(C + 5, 10);
  let ciphertext: Uint8Array;

  before(async () => {
    const strangers = strangerKeys(DEFAULT_MAX_RECIPIENTS - people.length, 10);
    // The real recipients sit at the start, the middle and the end of the list.
    const recipients = [people[0]!.publicKey, ...strangers.slice(0, 5000), people[1]!.publicKey, ...strangers.slice(5000), people[2]!.publicKey];
    const { output, error } = await runPipeline(plaintext, C, new EncryptStream(recipients, { chunkSize: C }));
    if (error !== undefined) throw error;
    ciphertext = output;
  });

  it('writes a header of 10,000 entries within the default 1 MiB header cap', () => {
    expect(ciphertext.length).to.equal(ciphertextSize(plaintext.length, { recipients: DEFAULT_MAX_RECIPIENTS, chunkSize: C }));
    expect(ciphertext.length).to.be.below(1024 * 1024);
  });

  it('lets each real recipient decrypt on noble in the time of far fewer than 10,000 agreements', async () => {
    // The cost of one noble X25519 agreement on this machine, now.
    const probe = nobleBackend.createX25519(patternBytes(32, 1));
    const peers = strangerKeys(20, 11);
    for (const peer of peers.slice(0, 5)) probe.agree(peer.x25519);
    let started = performance.now();
    for (const peer of peers) probe.agree(peer.x25519);
    const perAgreement = (performance.now() - started) / peers.length;

    for (const person of people) {
      const key = parsePrivateKey(person.privateKey.export(), { backend: 'noble' });
      const decryptor = new DecryptStream(key);
      let header: Header | undefined;
      decryptor.on('header', (h: Header) => (header = h));
      started = performance.now();
      const { output, error } = await runPipeline(ciphertext, 1 << 20, decryptor);
      const elapsed = performance.now() - started;
      expect(error).to.equal(undefined);
      expectSameBytes(output, plaintext, 'plaintext');
      expect(header?.x25519?.entries).to.have.length(DEFAULT_MAX_RECIPIENTS);
      // A trial per entry would cost 10,000 agreements; a tenth of that leaves room for parsing 660 KB,
      // the MAC, the payload and a cold start, and still tells one lookup from a scan.
      expect(elapsed, `decrypt took ${elapsed.toFixed(0)} ms, one agreement ${perAgreement.toFixed(2)} ms`).to.be.below(1000 * perAgreement);
    }
  });

  it('decrypts on node in well under a second', async () => {
    const started = performance.now();
    const { output, error } = await runPipeline(ciphertext, 1 << 20, new DecryptStream(people[1]!.privateKey));
    expect(error).to.equal(undefined);
    expectSameBytes(output, plaintext, 'plaintext');
    expect(performance.now() - started).to.be.below(1000);
  });
});
