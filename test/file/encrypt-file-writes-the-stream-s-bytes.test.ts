import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { BATCH_BYTES } from '../../lib/file/batches.js';
import { DEFAULT_CHUNK_EXPONENT } from '../../lib/format/limits.js';
import { decryptFile } from '../../lib/file/decrypt-file.js';
import { encryptFileWith } from '../../lib/file/encrypt-file.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { SIGNATURE_BLOCK_LENGTH } from '../../lib/stream/frame.js';
import { ciphertextSize } from '../../lib/sizes.js';
import { C, encryptPiped, expectSameBytes, fixedRandomness, patternBytes } from '../core/support.js';
import { makeSender, signedBy } from '../signing/support.js';
import { scratchFolder } from '../scratch.js';
import { CALLING_THREAD_ALONE, CREWS, WORKERS_ALONE, crewOptions } from './crews.js';

describe('encryptFile', () => {
  const files = scratchFolder();
  const alice = generateKeyPair();
  const bob = generateKeyPair();
  const sender = makeSender('carol@example.com');
  // Around chunk and batch boundaries, with a chunk of C = 4 KiB: 256 chunks a batch.
  const lengths = [0, 1, C - 1, C, C + 1, 5 * C, BATCH_BYTES - 1, BATCH_BYTES, BATCH_BYTES + 1, 3 * BATCH_BYTES + C + 7];

  for (const crew of CREWS) {
    it(`writes exactly the stream's bytes for every length around chunk and batch boundaries (${crew.name})`, async () => {
      for (const [i, length] of lengths.entries()) {
        const plaintext = patternBytes(length, i + 1);
        writeFileSync(files.path('in'), plaintext);
        const options = { chunkSize: C, ...crewOptions(crew) };
        const result = await encryptFileWith(files.path('in'), files.path('out'), [alice.publicKey, bob.publicKey], options, { randomness: fixedRandomness(i) });
        const streamed = await encryptPiped([alice.publicKey, bob.publicKey], plaintext, 10_000, { chunkSize: C }, fixedRandomness(i));
        expectSameBytes(readFileSync(files.path('out')), streamed, `ciphertext of ${length} bytes`);
        expect(result).to.deep.equal({ bytesRead: length, bytesWritten: streamed.length, threads: crew.threads });
        expect(result.bytesWritten).to.equal(ciphertextSize(length, { recipients: 2, chunkSize: C }));
      }
      expect(files.entries()).to.deep.equal(['in', 'out']);
    });
  }

  it('signs like the stream, with the block over the chunk hashes the workers computed', async () => {
    const plaintext = patternBytes(2 * BATCH_BYTES + 333, 5);
    writeFileSync(files.path('in'), plaintext);
    for (const crew of [CALLING_THREAD_ALONE, WORKERS_ALONE]) {
      const result = await encryptFileWith(files.path('in'), files.path('out'), [bob.publicKey], { ...signedBy(sender, { chunkSize: C }), ...crewOptions(crew) }, { randomness: fixedRandomness(9) });
      const streamed = await encryptPiped([bob.publicKey], plaintext, 7000, signedBy(sender, { chunkSize: C }), fixedRandomness(9));
      expectSameBytes(readFileSync(files.path('out')), streamed, 'signed ciphertext');
      expect(result.bytesWritten).to.equal(ciphertextSize(plaintext.length, { chunkSize: C, signed: true }));
      const decrypted = await decryptFile(files.path('out'), files.path('back'), bob.privateKey, { verifyWith: [sender.card], ...crewOptions(crew) });
      expect(decrypted.signer?.id).to.equal(sender.card.id);
      expectSameBytes(readFileSync(files.path('back')), plaintext);
    }
    expect(SIGNATURE_BLOCK_LENGTH).to.equal(112);
  });

  it('writes the same bytes on the noble backend, on workers and in the calling thread', async () => {
    const plaintext = patternBytes(BATCH_BYTES + 5 * C + 3, 6);
    writeFileSync(files.path('in'), plaintext);
    const streamed = await encryptPiped([alice.publicKey], plaintext, 50_000, { chunkSize: C }, fixedRandomness(4));
    for (const crew of [CALLING_THREAD_ALONE, WORKERS_ALONE]) {
      await encryptFileWith(files.path('in'), files.path('out'), [alice.publicKey], { chunkSize: C, ...crewOptions(crew), backend: 'noble' }, { randomness: fixedRandomness(4) });
      expectSameBytes(readFileSync(files.path('out')), streamed, `noble, ${crew.name}`);
    }
  });

  it('round-trips through decryptFile at the default chunk size, on the default number of threads', async () => {
    const plaintext = patternBytes(9 * BATCH_BYTES + 12_345, 8);
    writeFileSync(files.path('in'), plaintext);
    const encrypted = await encryptFileWith(files.path('in'), files.path('out'), [alice.publicKey, bob.publicKey], {}, {});
    expect(encrypted.threads).to.equal(Math.min(availableParallelism(), 8));
    const decrypted = await decryptFile(files.path('out'), files.path('back'), [alice.privateKey]);
    expect(decrypted.bytesWritten).to.equal(plaintext.length);
    expect(decrypted.header.chunkExponent).to.equal(DEFAULT_CHUNK_EXPONENT);
    expectSameBytes(readFileSync(files.path('back')), plaintext);
  });
});
