/**
 * lib/keys/passphrase.ts: a private key locked under a passphrase (scrypt,
 * then ChaCha20-Poly1305, spec/format.md §2.2) opens only with that passphrase,
 * and a key asking for more scrypt work than allowed is refused before any
 * work is done. Tests lock at work factor 10 to stay fast.
 */
import { expect } from 'chai';
import { nodeBackend } from '../../lib/crypto/node.js';
import { LOCKED_KEY_PREFIX, decodeKeyText, encodeKeyText } from '../../lib/keys/key-text.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { importPrivateKey, isLockedKeyText, lockPrivateKey } from '../../lib/keys/passphrase.js';
import { expectCode } from './support.js';

const FAST = { workFactor: 10 };
const BODY_LENGTH = 1 + 16 + 64 + 16;

/** The locked text with its work-factor byte set to `workFactor`, checksum recomputed. */
function withWorkFactor(locked: string, workFactor: number): string {
  const body = decodeKeyText(nodeBackend, LOCKED_KEY_PREFIX, locked, BODY_LENGTH, 'locked key');
  body[0] = workFactor;
  return encodeKeyText(nodeBackend, LOCKED_KEY_PREFIX, body);
}

describe('locked private keys (lib/keys/passphrase.ts)', () => {
  const pair = generateKeyPair();
  let locked: string;

  before(async () => {
    locked = await lockPrivateKey(pair.privateKey, 'correct horse battery staple', FAST);
  });

  it('locks to a CARDSEAL_LOCKED1_ text that reopens to the same key', async () => {
    expect(locked.startsWith(LOCKED_KEY_PREFIX)).to.equal(true);
    expect(isLockedKeyText(locked)).to.equal(true);
    expect(isLockedKeyText(pair.privateKey.export())).to.equal(false);
    const opened = await importPrivateKey(locked, { passphrase: 'correct horse battery staple' });
    expect(opened.export()).to.equal(pair.privateKey.export());
  });

  it('opens across backends: locked on node, opened on noble, and back', async () => {
    const onNoble = await importPrivateKey(locked, { passphrase: 'correct horse battery staple', backend: 'noble' });
    expect(onNoble.backend.name).to.equal('noble');
    expect(onNoble.publicKey.equals(pair.publicKey)).to.equal(true);
    const relocked = await lockPrivateKey(onNoble, 'another', FAST);
    expect((await importPrivateKey(relocked, { passphrase: 'another' })).export()).to.equal(pair.privateKey.export());
  });

  it('draws a fresh salt each time, so the same key and passphrase lock differently', async () => {
    expect(await lockPrivateKey(pair.privateKey, 'correct horse battery staple', FAST)).to.not.equal(locked);
  });

  it('refuses a wrong or missing passphrase with ERR_KEY_PASSPHRASE', async () => {
    expectCode(await importPrivateKey(locked, { passphrase: 'Correct horse battery staple' }).catch((e: unknown) => e), 'ERR_KEY_PASSPHRASE');
    expectCode(await importPrivateKey(locked).catch((e: unknown) => e), 'ERR_KEY_PASSPHRASE');
  });

  it('normalises the passphrase to NFC, so composed and decomposed forms open the same key', async () => {
    const composed = await lockPrivateKey(pair.privateKey, 'caf\u00e9', FAST);
    const opened = await importPrivateKey(composed, { passphrase: 'cafe\u0301' });
    expect(opened.publicKey.equals(pair.publicKey)).to.equal(true);
  });

  it('refuses a work factor above the cap with ERR_KEY_WORK_FACTOR, before running scrypt', async () => {
    const greedy = withWorkFactor(locked, 21);
    const started = performance.now();
    expectCode(await importPrivateKey(greedy, { passphrase: 'x' }).catch((e: unknown) => e), 'ERR_KEY_WORK_FACTOR');
    // scrypt at 2^21 would take seconds and 2 GiB; the refusal takes none of it.
    expect(performance.now() - started).to.be.below(100);
    expectCode(await importPrivateKey(withWorkFactor(locked, 11), { passphrase: 'x', maxWorkFactor: 10 }).catch((e: unknown) => e), 'ERR_KEY_WORK_FACTOR');
    expectCode(await importPrivateKey(withWorkFactor(locked, 9), { passphrase: 'x' }).catch((e: unknown) => e), 'ERR_KEY_WORK_FACTOR');
  });

  it('authenticates the work factor: a key edited from 10 to 11 fails ERR_KEY_PASSPHRASE', async () => {
    const edited = withWorkFactor(locked, 11);
    expectCode(await importPrivateKey(edited, { passphrase: 'correct horse battery staple' }).catch((e: unknown) => e), 'ERR_KEY_PASSPHRASE');
  });

  it('catches a typo in the locked text with ERR_KEY_CHECKSUM', async () => {
    const index = LOCKED_KEY_PREFIX.length + 10;
    const typo = locked.slice(0, index) + (locked[index] === 'A' ? 'B' : 'A') + locked.slice(index + 1);
    expectCode(await importPrivateKey(typo, { passphrase: 'x' }).catch((e: unknown) => e), 'ERR_KEY_CHECKSUM');
  });

  it('reads a key file with comment lines, and refuses a file with two keys with ERR_KEY_FORMAT', async () => {
    const file = `# created for tests\n# public key: ${pair.publicKey.toString()}\n${locked}\n`;
    expect((await importPrivateKey(file, { passphrase: 'correct horse battery staple' })).publicKey.equals(pair.publicKey)).to.equal(true);
    expect((await importPrivateKey(`# plain\n${pair.privateKey.export()}\n`)).publicKey.equals(pair.publicKey)).to.equal(true);
    expectCode(await importPrivateKey(`${locked}\n${locked}\n`, { passphrase: 'x' }).catch((e: unknown) => e), 'ERR_KEY_FORMAT');
    expectCode(await importPrivateKey('# nothing here\n').catch((e: unknown) => e), 'ERR_KEY_FORMAT');
  });

  it('names another version of either kind of key file as such, and anything else as not a private key', async () => {
    const secret = pair.privateKey.export();
    const cases: [text: string, message: RegExp][] = [
      [secret.replace('CARDSEAL_SECRET1_', 'CARDSEAL_SECRET2_'), /^private key has an unsupported version \(expected CARDSEAL_SECRET1_…\)$/],
      [locked.replace('CARDSEAL_LOCKED1_', 'CARDSEAL_LOCKED2_'), /^locked private key has an unsupported version \(expected CARDSEAL_LOCKED1_…\)$/],
      [pair.publicKey.toString(), /^private key must start with CARDSEAL_SECRET1_$/],
    ];
    for (const [text, message] of cases) {
      const error = await importPrivateKey(text, { passphrase: 'x' }).catch((e: unknown) => e);
      expectCode(error, 'ERR_KEY_FORMAT');
      expect((error as Error).message).to.match(message);
    }
  });

  it('throws RangeError or TypeError for caller mistakes', async () => {
    for (const workFactor of [9, 23, 10.5]) {
      const error = await lockPrivateKey(pair.privateKey, 'p', { workFactor }).catch((e: unknown) => e);
      expect(error, String(workFactor)).to.satisfy((e: unknown) => e instanceof RangeError || e instanceof TypeError);
    }
    expect(await lockPrivateKey(pair.privateKey, '', FAST).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
    expect(await lockPrivateKey(pair.privateKey, 7 as unknown as string, FAST).catch((e: unknown) => e)).to.be.instanceOf(TypeError);
    expect(await importPrivateKey(locked, { passphrase: 'x', maxWorkFactor: 30 }).catch((e: unknown) => e)).to.be.instanceOf(RangeError);
  });
});
