import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { armorBytes } from '../../lib/armor/armor.js';
import { decryptWith } from '../../lib/stream/decrypt.js';
import { encryptFor } from '../../lib/stream/encrypt.js';
import { armorDecode, armorEncode, autoDearmor } from '../../lib/armor/streams.js';
import { encrypt, generateKeyPair } from '../../lib/index.js';
import { collector } from '../io/http-fixtures.js';

/** A Readable that yields `bytes` in writes of `size` bytes. */
function source(bytes: Uint8Array, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(Buffer.from(bytes.subarray(i, i + size)));
  return Readable.from(parts, { objectMode: false });
}

async function run(input: Uint8Array, writeSize: number, ...stages: NodeJS.ReadWriteStream[]): Promise<Buffer> {
  const out = collector();
  await pipeline(source(input, writeSize), ...(stages as [NodeJS.ReadWriteStream]), out.sink);
  return out.bytes();
}

async function codeOfRun(input: Uint8Array, writeSize: number, ...stages: NodeJS.ReadWriteStream[]): Promise<unknown> {
  return run(input, writeSize, ...stages).then(
    () => 'no error',
    (error: { code?: unknown }) => error.code,
  );
}

describe('armor streams', () => {
  it('armorEncode and armorDecode round-trip at many sizes and write sizes, matching the one-shot form', async () => {
    for (const length of [0, 1, 47, 48, 49, 4095, 100_003]) {
      const bytes = randomBytes(length);
      for (const writeSize of [1, 3, 48, 64, 65, 4096, 1 << 20]) {
        if (writeSize === 1 && length > 5000) continue;
        const text = await run(bytes, writeSize, armorEncode());
        expect(text.toString('latin1'), `encode ${length}/${writeSize}`).to.equal(armorBytes(bytes));
        const back = await run(text, writeSize, armorDecode());
        expect(back.equals(bytes), `decode ${length}/${writeSize}`).to.equal(true);
      }
    }
  });

  it('armorDecode fails the pipeline with ERR_ARMOR_FORMAT on malformed text, whatever the write size', async () => {
    const good = Buffer.from(armorBytes(randomBytes(500)), 'latin1');
    const altered = Buffer.from(good);
    altered[100] = 0x2e; // '.' inside a data line
    const cut = good.subarray(0, good.length - 10);
    for (const writeSize of [1, 7, 65, 1 << 16]) {
      expect(await codeOfRun(altered, writeSize, armorDecode())).to.equal('ERR_ARMOR_FORMAT');
      expect(await codeOfRun(cut, writeSize, armorDecode())).to.equal('ERR_ARMOR_FORMAT');
    }
  });

  it('autoDearmor passes binary through untouched and dearmors armor, reporting which it saw', async () => {
    const bytes = Buffer.concat([Buffer.from('cardseal/v1\n'), randomBytes(3000)]);
    for (const writeSize of [1, 5, 4096]) {
      const binary = autoDearmor();
      expect((await run(bytes, writeSize, binary)).equals(bytes)).to.equal(true);
      expect(binary.armored).to.equal(false);
      const armored = autoDearmor();
      expect((await run(Buffer.from(armorBytes(bytes), 'latin1'), writeSize, armored)).equals(bytes)).to.equal(true);
      expect(armored.armored).to.equal(true);
    }
    // Shorter than the BEGIN marker: binary, passed on for the decrypter to judge.
    expect((await run(Buffer.from('-----BEG'), 2, autoDearmor())).toString()).to.equal('-----BEG');
  });

  it('encryptFor with armor: true writes armor that decryptWith detects, and decryptWith still reads binary', async () => {
    const { publicKey, privateKey } = generateKeyPair();
    const plaintext = randomBytes(200_000);
    const armored = await run(plaintext, 10_000, encryptFor([publicKey], { armor: true, chunkSize: 4096 }));
    expect(armored.subarray(0, 29).toString()).to.equal('-----BEGIN CARDSEAL FILE-----');
    expect((await run(armored, 777, decryptWith(privateKey))).equals(plaintext)).to.equal(true);
    const binary = await encrypt(plaintext, [publicKey]);
    expect((await run(binary, 65_536, decryptWith(privateKey))).equals(plaintext)).to.equal(true);
  });

  it('decryptWith reports armor damage as ERR_ARMOR_FORMAT and a wrong key as ERR_NO_MATCH', async () => {
    const { publicKey, privateKey } = generateKeyPair();
    const armored = await run(randomBytes(1000), 1000, encryptFor([publicKey], { armor: true }));
    const damaged = Buffer.from(armored);
    damaged[40] = 0x21;
    expect(await codeOfRun(damaged, 100, decryptWith(privateKey))).to.equal('ERR_ARMOR_FORMAT');
    expect(await codeOfRun(armored, 100, decryptWith(generateKeyPair().privateKey))).to.equal('ERR_NO_MATCH');
  });
});
