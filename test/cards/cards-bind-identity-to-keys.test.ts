import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { concatBytes, toHex, utf8 } from '../../lib/bytes.js';
import { CARD_TEXT_PREFIX } from '../../lib/cards/card-text.js';
import { MAX_CARD_BYTES, addSignature, createCard, importCard, verifyCard } from '../../lib/cards/card.js';
import { LABELS } from '../../lib/crypto/kdf.js';
import { type CborValue, encodeCanonical } from '../../lib/format/cbor.js';
import { PrivateKey, createRevocation, decrypt, encrypt, generateKeyPair } from '../../lib/index.js';
import { makeHolder, throwsCode } from './support.js';

/** Builds card bytes from a hand-made content map, self-signed by `key`, so one property at a time can be wrong. */
function handMadeCard(content: Map<CborValue, CborValue>, key: PrivateKey, extra: [number, CborValue][] = []): Uint8Array {
  const contentBytes = encodeCanonical(content);
  const signature = key.sign(concatBytes(LABELS.cardSignature, contentBytes));
  return encodeCanonical(new Map<CborValue, CborValue>([[1, contentBytes], [2, signature], ...extra]));
}

function contentFor(key: PrivateKey, identity: string): Map<CborValue, CborValue> {
  return new Map<CborValue, CborValue>([[1, 1], [2, identity], [3, key.publicKey.x25519], [4, key.publicKey.ed25519], [5, 1_700_000_000]]);
}

const SPEC = new URL('../../../spec/directory.md', import.meta.url);

describe('cards bind an identity to keys', () => {
  it('reproduces the example of spec/directory.md §1.3 byte for byte', async () => {
    const spec = await readFile(SPEC, 'utf8');
    const key = new PrivateKey(new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
    const card = createCard(key, { identity: 'bob', device: 'laptop', createdAt: 1_700_000_000 });
    const revocation = createRevocation(card, key, { reason: 'lost', revokedAt: 1_700_000_600 });
    for (const expected of [key.publicKey.toString(), card.id, card.export(), revocation.export()]) {
      expect(spec.includes(`  ${expected}\n`), expected.slice(0, 30)).to.equal(true);
    }
    expect(toHex(card.contentBytes())).to.match(/^a601010263626f62035820a4e09292/);
  });

  it('a new card carries its fields, and its id is the hex SHA-256 of the canonical content', () => {
    const keys = generateKeyPair();
    const card = createCard(keys, { identity: 'bob', device: 'laptop', createdAt: 1_700_000_000 });
    expect(card.identity).to.equal('bob');
    expect(card.device).to.equal('laptop');
    expect(card.createdAt).to.equal(1_700_000_000);
    expect(card.previousCardId).to.equal(undefined);
    expect(card.publicKey.equals(keys.publicKey)).to.equal(true);
    expect(card.id).to.equal(createHash('sha256').update(card.contentBytes()).digest('hex'));
    expect(card.signatures.map((s) => s.kind)).to.deep.equal(['self']);
    verifyCard(card, { identity: 'bob' });
  });

  it('cards and revocations are frozen: their fields cannot be changed after the checks', () => {
    const keys = generateKeyPair();
    const card = createCard(keys, { identity: 'bob' });
    const revocation = createRevocation(card, keys.privateKey, {});
    const writable = card as unknown as Record<string, unknown>;
    expect(() => (writable['id'] = '0'.repeat(64))).to.throw(TypeError);
    expect(() => (writable['identity'] = 'mallory')).to.throw(TypeError);
    expect(() => ((revocation as unknown as Record<string, unknown>)['cardId'] = '0'.repeat(64))).to.throw(TypeError);
    expect([card.identity, revocation.cardId]).to.deep.equal(['bob', card.id]);
  });

  it('the text form and the bytes import back to the same card', () => {
    const { card } = makeHolder('carol@example.com', 'phone');
    const text = card.export();
    expect(text.startsWith(CARD_TEXT_PREFIX)).to.equal(true);
    const fromText = importCard(`  ${text}\n`);
    const fromBytes = importCard(card.toBytes());
    for (const copy of [fromText, fromBytes]) {
      expect(copy.id).to.equal(card.id);
      expect(toHex(copy.toBytes())).to.equal(toHex(card.toBytes()));
      verifyCard(copy, { identity: 'carol@example.com' });
    }
  });

  it('a time far beyond 32 bits stays an integer in the content, not a float', () => {
    const card = createCard(generateKeyPair(), { identity: 'bob', createdAt: 2 ** 40 });
    expect(importCard(card.export()).createdAt).to.equal(2 ** 40);
    // Field 5 as an 8-byte unsigned integer (1b); a float would start with fb.
    expect(toHex(card.contentBytes())).to.include('051b0000010000000000');
  });

  it('a flipped signature bit or content byte fails with ERR_CARD_SIGNATURE', () => {
    const { card } = makeHolder('bob');
    const signatureFlip = card.toBytes();
    signatureFlip[signatureFlip.length - 1]! ^= 1;
    throwsCode(() => verifyCard(importCard(signatureFlip)), 'ERR_CARD_SIGNATURE');
    const contentFlip = card.toBytes();
    const at = Buffer.from(contentFlip).indexOf('bob');
    contentFlip[at] = 'r'.charCodeAt(0);
    const tampered = importCard(contentFlip);
    expect(tampered.identity).to.equal('rob');
    expect(tampered.id).to.not.equal(card.id);
    throwsCode(() => tampered.assertVerified(), 'ERR_CARD_SIGNATURE');
  });

  it('non-canonical bytes and text are refused with ERR_CARD_FORMAT', () => {
    const { card, keys } = makeHolder('bob');
    const bytes = card.toBytes();
    const text = card.export();
    throwsCode(() => importCard(concatBytes(bytes, Uint8Array.of(0))), 'ERR_CARD_FORMAT');
    // The outer map's length in a needless extra byte.
    throwsCode(() => importCard(concatBytes(Uint8Array.of(0xb8, bytes[0]! & 0x1f), bytes.subarray(1))), 'ERR_CARD_FORMAT');
    throwsCode(() => importCard(`${text}=`), 'ERR_CARD_FORMAT');
    throwsCode(() => importCard(`${text.slice(0, 40)}\n${text.slice(40)}`), 'ERR_CARD_FORMAT');
    throwsCode(() => importCard(text.replace('card1', 'card2')), 'ERR_CARD_FORMAT');
    throwsCode(() => importCard(text.replace(CARD_TEXT_PREFIX, 'cardseal_pub1_')), 'ERR_CARD_FORMAT');
    throwsCode(() => importCard(CARD_TEXT_PREFIX + 'A'.repeat(MAX_CARD_BYTES * 2)), 'ERR_CARD_FORMAT');
    const unknownField = contentFor(keys.privateKey, 'bob').set(9, 1);
    throwsCode(() => importCard(handMadeCard(unknownField, keys.privateKey)), 'ERR_CARD_FORMAT');
    const unknownVersion = contentFor(keys.privateKey, 'bob').set(1, 2);
    throwsCode(() => importCard(handMadeCard(unknownVersion, keys.privateKey)), 'ERR_CARD_FORMAT');
    const rotationWithoutPrevious = handMadeCard(contentFor(keys.privateKey, 'bob'), keys.privateKey, [[3, new Uint8Array(64)]]);
    throwsCode(() => importCard(rotationWithoutPrevious), 'ERR_CARD_FORMAT');
  });

  it('a card whose X25519 key is a low-order point is refused with ERR_CARD_FORMAT', () => {
    const { keys } = makeHolder('bob');
    const content = contentFor(keys.privateKey, 'bob').set(3, new Uint8Array(32));
    throwsCode(() => importCard(handMadeCard(content, keys.privateKey)), 'ERR_CARD_FORMAT');
  });

  it('identities are put in NFC and bounded; a card holding a non-normal identity is refused', () => {
    const decomposed = 'jose\u0301';
    const card = createCard(generateKeyPair(), { identity: decomposed });
    expect(card.identity).to.equal('jos\u00e9');
    verifyCard(card, { identity: decomposed });
    for (const bad of ['', ' bob', 'bob ', 'bo\u0000b', 'b\u202eob', 'bo\tb', 'x'.repeat(257), 'bo\u200bb']) {
      expect(() => createCard(generateKeyPair(), { identity: bad }), JSON.stringify(bad)).to.throw(RangeError);
    }
    const { keys } = makeHolder('x');
    throwsCode(() => importCard(handMadeCard(contentFor(keys.privateKey, decomposed), keys.privateKey)), 'ERR_CARD_FORMAT');
    throwsCode(() => verifyCard(card, { identity: 'Jos\u00e9' }), 'ERR_CARD_IDENTITY');
  });

  it('an endorsement by a trusted signer is required when trusted signers are given', () => {
    const { card } = makeHolder('bob');
    const app = generateKeyPair();
    const other = generateKeyPair();
    const trusted = [{ name: 'example-app', publicKey: app.publicKey }];
    throwsCode(() => verifyCard(card, { trustedSigners: trusted }), 'ERR_CARD_UNTRUSTED');
    const endorsed = addSignature(card, 'example-app', app.privateKey);
    expect(endorsed.id).to.equal(card.id);
    expect(endorsed.signatures.map((s) => `${s.kind}:${s.signer}`)).to.deep.equal(['self:self', 'endorsement:example-app']);
    verifyCard(importCard(endorsed.export()), { trustedSigners: [...trusted, { name: 'other', publicKey: other.publicKey.toString() }] });
    // Right key under another name, and the right name with another key, are not trusted.
    throwsCode(() => verifyCard(addSignature(card, 'impostor', app.privateKey), { trustedSigners: trusted }), 'ERR_CARD_UNTRUSTED');
    throwsCode(() => verifyCard(addSignature(card, 'example-app', other.privateKey), { trustedSigners: trusted }), 'ERR_CARD_UNTRUSTED');
    expect(() => addSignature(endorsed, 'example-app', other.privateKey)).to.throw(RangeError);
  });

  it('each signature context has its own label: a self-signature replayed as an endorsement fails', () => {
    const { card } = makeHolder('bob');
    const self = card.signatures[0]!;
    const bytes = encodeCanonical(new Map<CborValue, CborValue>([
      [1, card.contentBytes()], [2, self.signature], [4, [['bob', self.publicKey, self.signature]]],
    ]));
    const replayed = importCard(bytes);
    throwsCode(() => replayed.assertVerified(), 'ERR_CARD_SIGNATURE');
    // The same key's real endorsement signs a different message from its self-signature.
    expect(utf8('cardseal/v1/card-endorsement')).to.deep.equal(LABELS.cardEndorsement);
  });

  it('a rotation names the previous card and is signed by its key', () => {
    const old = makeHolder('bob', 'laptop');
    const next = generateKeyPair();
    const rotated = createCard(next, { identity: 'bob', device: 'laptop', previous: old.card, previousKey: old.keys.privateKey });
    expect(rotated.previousCardId).to.equal(old.card.id);
    expect(rotated.signatures.map((s) => s.kind)).to.deep.equal(['self', 'rotation']);
    verifyCard(importCard(rotated.export()));
    // Keeping the same key needs no separate previous key.
    expect(createCard(old.keys, { identity: 'bob', device: 'desk', previous: old.card }).previousCardId).to.equal(old.card.id);
    expect(() => createCard(next, { identity: 'bob', previous: old.card })).to.throw(RangeError);
    expect(() => createCard(next, { identity: 'bob', previous: old.card, previousKey: next.privateKey })).to.throw(RangeError);
    expect(() => createCard(next, { identity: 'carol', previous: old.card, previousKey: old.keys.privateKey })).to.throw(RangeError);
  });

  it('a forged rotation signature fails with ERR_CARD_SIGNATURE', () => {
    const old = makeHolder('bob');
    const attacker = generateKeyPair();
    const content = contentFor(attacker.privateKey, 'bob').set(7, [Buffer.from(old.card.id, 'hex'), old.card.publicKey.ed25519]);
    const contentBytes = encodeCanonical(content);
    // Signed by the attacker, not by the previous card's key.
    const forged = handMadeCard(content, attacker.privateKey, [[3, attacker.privateKey.sign(concatBytes(LABELS.cardRotation, contentBytes))]]);
    throwsCode(() => importCard(forged).assertVerified(), 'ERR_CARD_SIGNATURE');
  });

  it('encryption accepts cards and refuses one that does not verify', async () => {
    const bob = makeHolder('bob');
    const carol = generateKeyPair();
    const ciphertext = await encrypt('for bob and carol', [bob.card, carol.publicKey]);
    expect(new TextDecoder().decode(await decrypt(ciphertext, bob.keys.privateKey))).to.equal('for bob and carol');
    const bytes = bob.card.toBytes();
    bytes[bytes.length - 1]! ^= 1;
    const error = await encrypt('x', [importCard(bytes)]).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ERR_CARD_SIGNATURE');
  });
});
