/**
 * encryptFor → decryptWith through real stream.pipeline, on both backends:
 * plaintext lengths {0, 1, C−1, C, C+1, 3C+7} × write sizes {1, 7, C−1, C,
 * C+1, 1 MiB} × recipients {1, 3, 100} with C = 4096, and a few cases at the
 * default 64 KiB. Every ciphertext has the predicted size; sampled recipients
 * decrypt it, feeding the ciphertext in other piece sizes than it was written;
 * and for one file per recipient count every recipient decrypts.
 */
import { expect } from 'chai';
import { type KeyPair, type PrivateKey, generateKeyPair, parsePrivateKey } from '../../lib/keys/keys.js';
import { ciphertextSize } from '../../lib/sizes.js';
import { C, MIB, TAG, decryptPiped, encryptPiped, expectSameBytes, patternBytes } from './support.js';

const LENGTHS = [0, 1, C - 1, C, C + 1, 3 * C + 7];
const WRITE_SIZES = [1, 7, C - 1, C, C + 1, MIB];
/** Ciphertext piece sizes around the frame length C + 16, so pieces split frames every way. */
const READ_SIZES = [1, 7, C + TAG - 1, C + TAG, C + TAG + 1, MIB];
const RECIPIENT_COUNTS = [1, 3, 100];
const BACKENDS = ['node', 'noble'] as const;

/** Key pairs with the private key on each backend, so either backend can decrypt. */
interface Party {
  pair: KeyPair;
  onBackend: Record<(typeof BACKENDS)[number], PrivateKey>;
}

function makeParties(count: number): Party[] {
  return Array.from({ length: count }, () => {
    const pair = generateKeyPair();
    return { pair, onBackend: { node: pair.privateKey, noble: parsePrivateKey(pair.privateKey.export(), { backend: 'noble' }) } };
  });
}

/** A few recipients to decrypt a given case: the first, the last, and one that moves with the case. */
function sampleOf(parties: Party[], caseNumber: number): Party[] {
  const picks = new Set([0, parties.length - 1, (caseNumber * 37) % parties.length]);
  return [...picks].map((i) => parties[i]!);
}

describe('round-trip matrix (encryptFor → decryptWith through stream.pipeline)', () => {
  const parties = new Map<number, Party[]>();
  let caseNumber = 0;

  before(() => {
    for (const count of RECIPIENT_COUNTS) parties.set(count, makeParties(count));
  });

  for (const backend of BACKENDS) {
    for (const count of RECIPIENT_COUNTS) {
      describe(`${backend} backend, ${count} recipient${count > 1 ? 's' : ''}`, () => {
        for (const length of LENGTHS) {
          for (const [w, writeSize] of WRITE_SIZES.entries()) {
            const thisCase = caseNumber++;
            it(`${length} bytes written ${writeSize === MIB ? '1 MiB' : writeSize} at a time`, async () => {
              const group = parties.get(count)!;
              const plaintext = patternBytes(length, thisCase + 1);
              const ciphertext = await encryptPiped(group.map((p) => p.pair.publicKey), plaintext, writeSize, { chunkSize: C, backend });
              expect(ciphertext.length).to.equal(ciphertextSize(length, { recipients: count, chunkSize: C }));
              for (const [s, party] of sampleOf(group, thisCase).entries()) {
                // Read in a different piece size than was written, and on the other backend every other time.
                const readSize = READ_SIZES[(w + s + 1) % READ_SIZES.length]!;
                const reader = party.onBackend[s % 2 === 0 ? backend : BACKENDS[(BACKENDS.indexOf(backend) + 1) % 2]!];
                const { output, error } = await decryptPiped(reader, ciphertext, readSize);
                expect(error).to.equal(undefined);
                expectSameBytes(output, plaintext, `plaintext for recipient read ${readSize} at a time`);
              }
            });
          }
        }

        it(`every one of the ${count} recipients decrypts the same ${C + 1}-byte file`, async () => {
          const group = parties.get(count)!;
          const plaintext = patternBytes(C + 1, 99);
          const ciphertext = await encryptPiped(group.map((p) => p.pair.publicKey), plaintext, C, { chunkSize: C, backend });
          for (const [i, party] of group.entries()) {
            const { output, error } = await decryptPiped(party.onBackend[backend], ciphertext, READ_SIZES[i % READ_SIZES.length]!);
            expect(error, `recipient ${i}`).to.equal(undefined);
            expectSameBytes(output, plaintext, `plaintext for recipient ${i}`);
          }
        });
      });
    }
  }

  describe('default 64 KiB chunks', () => {
    const DEFAULT = 65536;
    for (const backend of BACKENDS) {
      for (const length of [0, DEFAULT - 1, DEFAULT, DEFAULT + 1, 3 * DEFAULT + 7]) {
        for (const writeSize of [DEFAULT + 1, MIB]) {
          it(`${backend}: ${length} bytes written ${writeSize === MIB ? '1 MiB' : writeSize} at a time, 3 recipients`, async () => {
            const group = parties.get(3)!;
            const plaintext = patternBytes(length, length + writeSize);
            const ciphertext = await encryptPiped(group.map((p) => p.pair.publicKey), plaintext, writeSize, { backend });
            expect(ciphertext.length).to.equal(ciphertextSize(length, { recipients: 3 }));
            for (const [i, party] of group.entries()) {
              const { output, error } = await decryptPiped(party.onBackend[backend], ciphertext, [DEFAULT + TAG - 1, 7, DEFAULT + TAG + 1][i]!);
              expect(error).to.equal(undefined);
              expectSameBytes(output, plaintext, `plaintext for recipient ${i}`);
            }
          });
        }
      }
    }
  });
});
