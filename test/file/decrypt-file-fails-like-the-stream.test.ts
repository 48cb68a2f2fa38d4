import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CardsealError } from '../../lib/errors.js';
import { BATCH_BYTES } from '../../lib/file/batches.js';
import { decryptFile } from '../../lib/file/decrypt-file.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { SIGNATURE_BLOCK_LENGTH, TAG_LENGTH } from '../../lib/stream/frame.js';
import { C, encryptPiped, expectSameBytes, patternBytes, runPipeline } from '../core/support.js';
import { makeSender, signedBy } from '../signing/support.js';
import { scratchFolder } from '../scratch.js';
import { CALLING_THREAD_ALONE, CREWS, WORKERS_ALONE, crewOptions } from './crews.js';

const FRAME = C + TAG_LENGTH;

/** The code a decoder failed with, or `success`. */
function outcomeOf(error: unknown): string {
  if (error === undefined) return 'success';
  if (error instanceof CardsealError) return error.code;
  throw error;
}

/** A named change to a file. */
interface Damage {
  name: string;
  apply(file: Uint8Array): Uint8Array;
}

function flipAt(offset: (file: Uint8Array) => number, name: string): Damage {
  return {
    name,
    apply(file) {
      const copy = file.slice();
      copy[offset(file)]! ^= 0x40;
      return copy;
    },
  };
}

function cutTo(length: (file: Uint8Array) => number, name: string): Damage {
  return { name, apply: (file) => file.slice(0, length(file)) };
}

function appended(bytes: number, name: string): Damage {
  return { name, apply: (file) => Buffer.concat([file, patternBytes(bytes, 99)]) };
}

/** Damage at every place a decoder treats differently: envelope, chunks in each batch, the tail, lengths. */
function damagesFor(envelopeLength: number, block: number): Damage[] {
  const chunk = (i: number): number => envelopeLength + i * FRAME + 100;
  return [
    flipAt(() => 0, 'magic'),
    flipAt(() => 20, 'header'),
    flipAt(() => envelopeLength - 1, 'header MAC'),
    flipAt(() => chunk(0), 'chunk 0'),
    flipAt(() => chunk(300), 'a chunk of the second batch'),
    flipAt(() => chunk(513) + C + 5, 'a tag in the third batch'),
    flipAt((f) => f.length - block - 1, 'the final tag'),
    ...(block > 0 ? [flipAt((f: Uint8Array) => f.length - 1, 'the signature block')] : []),
    cutTo(() => 0, 'empty'),
    cutTo(() => 10, 'inside the prefix'),
    cutTo(() => envelopeLength - 1, 'inside the MAC'),
    cutTo(() => envelopeLength, 'after the envelope'),
    cutTo(() => envelopeLength + 15, 'inside the first tag'),
    cutTo(() => envelopeLength + FRAME, 'after the first frame'),
    cutTo(() => envelopeLength + 300 * FRAME, 'at a chunk boundary inside a batch'),
    cutTo((f) => f.length - 1, 'one byte short'),
    cutTo((f) => f.length - TAG_LENGTH, 'one tag short'),
    ...(block > 0 ? [cutTo((f: Uint8Array) => f.length - block, 'without the block'), cutTo((f: Uint8Array) => f.length - block - 1, 'without the block and a byte')] : []),
    cutTo((f) => f.length - block - 500, 'inside the final chunk'),
    appended(1, 'one byte more'),
    appended(TAG_LENGTH, 'a tag more'),
    appended(FRAME, 'a frame more'),
    appended(FRAME + TAG_LENGTH + 3, 'a frame and more'),
  ];
}

describe('decryptFile fails like the stream', () => {
  const files = scratchFolder();
  const recipient = generateKeyPair();
  const sender = makeSender('dana@example.com');
  // Whole chunks only, so a frame appended after the final one is read as trailing data.
  const plaintext = patternBytes(2 * BATCH_BYTES + 3 * C, 3);

  for (const signed of [false, true]) {
    it(`${signed ? 'signed' : 'unsigned'}: every damage gives the stream's code, on workers and in the calling thread, and leaves no output`, async () => {
      const options = signed ? signedBy(sender, { chunkSize: C }) : { chunkSize: C };
      const file = await encryptPiped([recipient.publicKey], plaintext, 100_000, options);
      const envelopeLength = 16 + new DataView(file.buffer, file.byteOffset).getUint32(12) + 32;
      const decryptOptions = signed ? { verifyWith: [sender.card] } : {};
      const codes = new Set<string>();
      for (const damage of damagesFor(envelopeLength, signed ? SIGNATURE_BLOCK_LENGTH : 0)) {
        const damaged = damage.apply(file);
        const streamed = outcomeOf((await runPipeline(damaged, 1 << 20, decryptWith(recipient.privateKey, decryptOptions))).error);
        writeFileSync(files.path('in'), damaged);
        for (const crew of [CALLING_THREAD_ALONE, WORKERS_ALONE]) {
          const fromFile = await decryptFile(files.path('in'), files.path('out'), recipient.privateKey, { ...decryptOptions, ...crewOptions(crew) }).then(
            () => 'success',
            (error: unknown) => outcomeOf(error),
          );
          expect(fromFile, `${damage.name}, ${crew.name}`).to.equal(streamed);
          expect(existsSync(files.path('out')), `output left after ${damage.name}`).to.equal(false);
        }
        expect(files.entries(), `files left after ${damage.name}`).to.deep.equal(['in']);
        codes.add(streamed);
      }
      // The damage list reaches every kind of failure, so the comparison is not vacuous.
      const reached = ['ERR_HEADER_MAC', 'ERR_HEADER_MAGIC', 'ERR_HEADER_TRUNCATED', 'ERR_PAYLOAD_AUTH', 'ERR_PAYLOAD_TRUNCATED'];
      expect([...codes]).to.include.members([...reached, signed ? 'ERR_SIGNATURE_INVALID' : 'ERR_PAYLOAD_TRAILING_DATA']);
      expect(codes.has('success')).to.equal(false);
    });
  }

  it('of several damaged chunks in several batches, names the first, however the threads are scheduled', async () => {
    const file = await encryptPiped([recipient.publicKey], plaintext, 100_000, { chunkSize: C });
    const envelopeLength = 16 + new DataView(file.buffer, file.byteOffset).getUint32(12) + 32;
    for (const index of [5, 300, 520]) file[envelopeLength + index * FRAME + 7]! ^= 1;
    writeFileSync(files.path('in'), file);
    for (let run = 0; run < 6; run++) {
      const crew = CREWS[run % CREWS.length]!;
      const error = await decryptFile(files.path('in'), files.path('out'), recipient.privateKey, crewOptions(crew)).catch((e: unknown) => e);
      expect((error as CardsealError).code).to.equal('ERR_PAYLOAD_AUTH');
      expect((error as Error).message).to.match(/^chunk 5 failed authentication/);
    }
    expect(files.entries()).to.deep.equal(['in']);
  });

  it('decrypts what the stream decrypts, with the same signer', async () => {
    const file = await encryptPiped([recipient.publicKey], plaintext, 100_000, signedBy(sender, { chunkSize: C }));
    writeFileSync(files.path('in'), file);
    const result = await decryptFile(files.path('in'), files.path('out'), recipient.privateKey, { verifyWith: [sender.card], ...crewOptions(WORKERS_ALONE) });
    expect(result.signer?.id).to.equal(sender.card.id);
    expect(result.bytesWritten).to.equal(plaintext.length);
    expectSameBytes(readFileSync(files.path('out')), plaintext);
  });
});
