/**
 * Decrypt-side caps (lib/format/limits.ts, applied by decryptWith):
 * maxHeaderBytes and maxRecipients refuse a file with ERR_LIMIT_* before its
 * payload is touched, exactly at the boundary, and caps outside their hard
 * limits are caller mistakes (RangeError).
 */
import { expect } from 'chai';
import { MAX_HEADER_BYTES, MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { encrypt } from '../../lib/oneshot.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { decryptPiped, expectCode, expectSameBytes, thrownBy } from './support.js';

describe('decrypt caps', () => {
  const people = Array.from({ length: 3 }, () => generateKeyPair());
  const plaintext = new TextEncoder().encode('capped');
  let ciphertext: Uint8Array;
  let headerLength: number;

  before(async () => {
    ciphertext = await encrypt(plaintext, people.map((p) => p.publicKey));
    headerLength = new DataView(ciphertext.buffer, ciphertext.byteOffset).getUint32(12);
  });

  it('maxHeaderBytes: the exact header length is accepted, one byte less is ERR_LIMIT_HEADER_SIZE', async () => {
    const accepted = await decryptPiped(people[0]!.privateKey, ciphertext, 50, { maxHeaderBytes: headerLength });
    expect(accepted.error).to.equal(undefined);
    expectSameBytes(accepted.output, plaintext, 'plaintext');
    const refused = await decryptPiped(people[0]!.privateKey, ciphertext, 50, { maxHeaderBytes: headerLength - 1 });
    expectCode(refused.error, 'ERR_LIMIT_HEADER_SIZE');
    expect(refused.output.length).to.equal(0);
  });

  it('maxRecipients: as many as the file lists is accepted, one fewer is ERR_LIMIT_RECIPIENTS', async () => {
    const accepted = await decryptPiped(people[2]!.privateKey, ciphertext, 50, { maxRecipients: 3 });
    expect(accepted.error).to.equal(undefined);
    const refused = await decryptPiped(people[2]!.privateKey, ciphertext, 50, { maxRecipients: 2 });
    expectCode(refused.error, 'ERR_LIMIT_RECIPIENTS');
    expect(refused.output.length).to.equal(0);
  });

  it('applies the default caps: a header claiming more than 1 MiB is refused after its 16-byte prefix', async () => {
    const claim = ciphertext.slice(0, 16);
    new DataView(claim.buffer).setUint32(12, 1024 * 1024 + 1);
    const { error } = await decryptPiped(people[0]!.privateKey, claim, 16);
    expectCode(error, 'ERR_LIMIT_HEADER_SIZE');
  });

  it('throws RangeError for caps outside 1..hard limit, and TypeError for non-integers', () => {
    const key = people[0]!.privateKey;
    for (const options of [{ maxHeaderBytes: 0 }, { maxHeaderBytes: MAX_HEADER_BYTES + 1 }, { maxRecipients: 0 }, { maxRecipients: MAX_RECIPIENTS + 1 }]) {
      expect(thrownBy(() => decryptWith(key, options)), JSON.stringify(options)).to.be.instanceOf(RangeError);
    }
    expect(thrownBy(() => decryptWith(key, { maxRecipients: 2.5 }))).to.be.instanceOf(TypeError);
    // The hard limits themselves are valid caps.
    decryptWith(key, { maxHeaderBytes: MAX_HEADER_BYTES, maxRecipients: MAX_RECIPIENTS }).destroy();
  });
});
