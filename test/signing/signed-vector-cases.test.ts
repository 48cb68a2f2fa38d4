/**
 * The signed-file vector cases (spec/vector-cases/signed.ts) behave as they
 * say, read whole and one byte per write, on both backends: the check the
 * vector generator and test/vectors.test.ts apply to every other case.
 */
import { expect } from 'chai';
import { PrivateKey } from '../../lib/keys/keys.js';
import { type SignedVectorCase, checkSigner, signedCases, signedDecryptOptions, signedVectorFields } from '../../spec/vector-cases/signed.js';
import { decryptPiped, expectSameBytes, isPrefixOf } from '../core/support.js';

describe('signed vector cases (spec §9)', () => {
  let cases: SignedVectorCase[];

  before(async () => {
    cases = await signedCases();
  });

  it('are many, uniquely named, and cover success and every signature code', () => {
    expect(cases.length).to.be.at.least(20);
    expect(new Set(cases.map((c) => c.name)).size).to.equal(cases.length);
    const outcomes = new Set(cases.map((c) => c.expect));
    for (const code of ['success', 'ERR_SIGNATURE_MISSING', 'ERR_SIGNATURE_INVALID', 'ERR_SIGNATURE_UNKNOWN_SIGNER', 'ERR_PAYLOAD_TRUNCATED']) expect(outcomes).to.include(code);
  });

  it('each gives its expected outcome whole and byte by byte, on node and noble, and names its signer', async () => {
    for (const c of cases) {
      for (const backend of ['node', 'noble'] as const) {
        const key = new PrivateKey(...splitSecret(c.key), backend);
        for (const readSize of [c.file.length || 1, 1]) {
          const { output, error } = await decryptPiped(key, c.file, readSize, signedDecryptOptions(c));
          const outcome = error === undefined ? 'success' : (error as { code?: string }).code;
          expect(outcome, `${c.name} on ${backend}, reads of ${readSize}`).to.equal(c.expect);
          if (c.expect === 'success') expectSameBytes(output, c.plaintext!, `${c.name} plaintext`);
          else if (c.plaintext !== undefined) expect(isPrefixOf(output, c.plaintext), `${c.name} released a prefix`).to.equal(true);
        }
      }
      expect(await checkSigner(c)).to.equal(undefined);
      const fields = signedVectorFields(c);
      expect(fields.senders?.length).to.equal(c.senders?.length);
    }
  });
});

/** The two secret halves of a key, to rebuild it on another backend. */
function splitSecret(key: PrivateKey): [Uint8Array, Uint8Array] {
  const secret = key.exportSecretBytes();
  return [secret.slice(0, 32), secret.slice(32)];
}
