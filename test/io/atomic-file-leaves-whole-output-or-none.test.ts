import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createAtomicFile } from '../../lib/io/atomic-file.js';
import { decryptWith, encrypt, generateKeyPair } from '../../lib/index.js';
import { lazySource, rejectionOf } from './http-fixtures.js';

describe('atomic file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardseal-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes to a hidden temporary file in the same folder and renames it over the target at the end', async () => {
    const target = join(dir, 'out.bin');
    const file = createAtomicFile(target, { mode: 0o600 });
    const data = randomBytes(200_000);
    await new Promise((resolve) => file.write(data.subarray(0, 100_000), resolve));
    expect(file.bytesWritten).to.equal(100_000);
    expect(existsSync(target)).to.equal(false);
    expect(readdirSync(dir)).to.deep.equal([file.tempPath!.slice(dir.length + 1)]);
    expect(file.tempPath).to.match(/\/\.out\.bin\.[0-9a-f]{12}\.tmp$/);
    await pipeline(Readable.from([data.subarray(100_000)]), file);
    expect(file.committed).to.equal(true);
    expect(file.bytesWritten).to.equal(data.length);
    expect(readFileSync(target).equals(data)).to.equal(true);
    expect(statSync(target).mode & 0o777).to.equal(0o600);
    expect(readdirSync(dir)).to.deep.equal(['out.bin']);
  });

  it('replaces an existing target only on success', async () => {
    const target = join(dir, 'out.bin');
    writeFileSync(target, 'old');
    await pipeline(Readable.from([Buffer.from('new')]), createAtomicFile(target));
    expect(readFileSync(target, 'utf8')).to.equal('new');
  });

  it('leaves no file and an existing target untouched when the source fails midway', async () => {
    const fresh = join(dir, 'fresh.bin');
    const existing = join(dir, 'existing.bin');
    writeFileSync(existing, 'keep me');
    for (const target of [fresh, existing]) {
      const source = lazySource(10 * 1024 * 1024);
      let sent = 0;
      source.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        if (sent > 1024 * 1024) source.destroy(new Error('source broke'));
      });
      const error = await rejectionOf(pipeline(source, createAtomicFile(target)));
      expect(error.message).to.equal('source broke');
    }
    expect(readdirSync(dir)).to.deep.equal(['existing.bin']);
    expect(readFileSync(existing, 'utf8')).to.equal('keep me');
  });

  it('leaves no output when decryption of tampered input fails', async () => {
    const { publicKey, privateKey } = generateKeyPair();
    const ciphertext = await encrypt(randomBytes(300_000), [publicKey]);
    ciphertext[ciphertext.length - 100]! ^= 1;
    const target = join(dir, 'plain.bin');
    const error = await rejectionOf(pipeline(Readable.from([Buffer.from(ciphertext)]), decryptWith(privateKey), createAtomicFile(target)));
    expect(error.code).to.equal('ERR_PAYLOAD_AUTH');
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('destroy() without an error also discards the temporary file', async () => {
    const file = createAtomicFile(join(dir, 'out.bin'));
    await new Promise((resolve) => file.write('partial', resolve));
    file.destroy();
    await new Promise((resolve) => file.once('close', resolve));
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('discardSync removes the temporary file at once, for signal handlers', async () => {
    const file = createAtomicFile(join(dir, 'out.bin'));
    await new Promise((resolve) => file.write('partial', resolve));
    expect(readdirSync(dir)).to.have.length(1);
    file.discardSync();
    expect(readdirSync(dir)).to.deep.equal([]);
    file.destroy();
    await new Promise((resolve) => file.once('close', resolve));
  });

  it('with overwrite false refuses an existing target with ERR_FILE and leaves it untouched', async () => {
    const target = join(dir, 'key.txt');
    writeFileSync(target, 'original');
    const error = await rejectionOf(pipeline(Readable.from([Buffer.from('other')]), createAtomicFile(target, { overwrite: false })));
    expect(error.code).to.equal('ERR_FILE');
    expect(error.message).to.equal(`cannot write ${target}: already exists`);
    expect(readFileSync(target, 'utf8')).to.equal('original');
    expect(readdirSync(dir)).to.deep.equal(['key.txt']);
  });

  it('fails with ERR_FILE when the folder does not exist', async () => {
    const error = await rejectionOf(pipeline(Readable.from([Buffer.from('x')]), createAtomicFile(join(dir, 'missing', 'out.bin'))));
    expect(error.code).to.equal('ERR_FILE');
    expect(error.message).to.include('no such file or directory');
  });
});
