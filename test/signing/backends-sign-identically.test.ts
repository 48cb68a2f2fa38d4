/**
 * Both crypto backends write the same signed bytes for the same inputs, and
 * each verifies what the other wrote (spec/format.md §9; Ed25519 signatures
 * are deterministic, so nothing in a signed file depends on the backend).
 */
import { expect } from 'chai';
import { createCard } from '../../lib/cards/card.js';
import type { BackendName } from '../../lib/crypto/index.js';
import { PrivateKey } from '../../lib/keys/keys.js';
import { decryptAndVerify } from '../../lib/oneshot.js';
import { C, encryptPiped, expectSameBytes, fixedRandomness, patternBytes } from '../core/support.js';

const BACKENDS: BackendName[] = ['node', 'noble'];

/** The same key pair on `backend`: fixed secrets, so every backend holds identical keys. */
function fixedKey(seed: number, backend: BackendName): PrivateKey {
  return new PrivateKey(patternBytes(32, seed), patternBytes(32, seed + 1), backend);
}

describe('both backends sign identically (spec §9)', () => {
  const plaintext = patternBytes(2 * C + 11, 21);

  it('the same inputs give the same signed file on node and noble, and each verifies the other', async () => {
    const files = new Map<string, Uint8Array>();
    for (const streamBackend of BACKENDS) {
      for (const keyBackend of BACKENDS) {
        const alice = fixedKey(1, keyBackend);
        const card = createCard(alice, { identity: 'alice', createdAt: 1_700_000_000 });
        const file = await encryptPiped([fixedKey(3, 'node').publicKey], plaintext, C, { chunkSize: C, backend: streamBackend, signWith: alice, senderCard: card }, fixedRandomness(8));
        files.set(`${streamBackend}/${keyBackend}`, file);
      }
    }
    const reference = files.get('node/node')!;
    for (const [name, file] of files) expectSameBytes(file, reference, `file made with stream/key backends ${name}`);
    const card = createCard(fixedKey(1, 'node'), { identity: 'alice', createdAt: 1_700_000_000 });
    for (const backend of BACKENDS) {
      const opened = await decryptAndVerify(reference, fixedKey(3, backend), { verifyWith: [card] });
      expectSameBytes(opened.plaintext, plaintext, `plaintext on ${backend}`);
      expect(opened.signer.id).to.equal(card.id);
    }
  });
});
