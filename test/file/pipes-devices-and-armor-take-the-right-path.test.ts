import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { BATCH_BYTES } from '../../lib/file/batches.js';
import { decryptFile } from '../../lib/file/decrypt-file.js';
import { encryptFile } from '../../lib/file/encrypt-file.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { ciphertextSize } from '../../lib/sizes.js';
import { expectSameBytes, patternBytes } from '../core/support.js';
import { scratchFolder } from '../scratch.js';
import { WORKERS_ALONE, crewOptions } from './crews.js';

/** Collects what is written into the named pipe at `path` until its writer closes. */
function drain(path: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  return pipeline(createReadStream(path), async (source: AsyncIterable<Buffer>) => {
    for await (const part of source) parts.push(part);
  }).then(() => Buffer.concat(parts));
}

describe('file jobs on pipes, devices and armor', () => {
  const files = scratchFolder();
  const alice = generateKeyPair();
  const bob = generateKeyPair();
  const plaintext = patternBytes(10 * BATCH_BYTES + 17, 12);

  it('reads a named pipe as a stream, and the result decrypts', async () => {
    execFileSync('mkfifo', [files.path('fifo')]);
    const writing = pipeline(async function* () {
      yield Buffer.from(plaintext);
    }, createWriteStream(files.path('fifo')));
    const result = await encryptFile(files.path('fifo'), files.path('out'), [alice.publicKey]);
    await writing;
    expect(result.threads).to.equal(undefined);
    expect(result.bytesRead).to.equal(plaintext.length);
    expect(result.bytesWritten).to.equal(ciphertextSize(plaintext.length));
    await decryptFile(files.path('out'), files.path('back'), alice.privateKey, crewOptions(WORKERS_ALONE));
    expectSameBytes(readFileSync(files.path('back')), plaintext);
  });

  it('writes a named pipe in order, as a stream, and leaves it a pipe', async () => {
    writeFileSync(files.path('in'), plaintext);
    execFileSync('mkfifo', [files.path('fifo')]);
    const received = drain(files.path('fifo'));
    const result = await encryptFile(files.path('in'), files.path('fifo'), [alice.publicKey]);
    expect(result.threads).to.equal(undefined);
    writeFileSync(files.path('sealed'), await received);
    expect(statSync(files.path('fifo')).isFIFO()).to.equal(true);
    await decryptFile(files.path('sealed'), files.path('back'), alice.privateKey);
    expectSameBytes(readFileSync(files.path('back')), plaintext);
  });

  it('writes a device such as /dev/null in place, on workers', async function () {
    try {
      execFileSync('mknod', [files.path('null'), 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    writeFileSync(files.path('in'), plaintext);
    const result = await encryptFile(files.path('in'), files.path('null'), [alice.publicKey], crewOptions(WORKERS_ALONE));
    expect(result.threads).to.equal(WORKERS_ALONE.threads);
    expect(statSync(files.path('null')).isCharacterDevice()).to.equal(true);
    expect(files.entries()).to.deep.equal(['in', 'null']);
  });

  it('armors as a stream; decryptFile reads armor, with any of several keys', async () => {
    writeFileSync(files.path('in'), plaintext);
    const sealed = await encryptFile(files.path('in'), files.path('out.asc'), [bob.publicKey], { armor: true });
    expect(sealed.threads).to.equal(undefined);
    expect(readFileSync(files.path('out.asc'), 'latin1').startsWith('-----BEGIN CARDSEAL')).to.equal(true);
    const opened = await decryptFile(files.path('out.asc'), files.path('back'), [alice.privateKey, bob.privateKey]);
    expect(opened.threads).to.equal(undefined);
    expect(opened.bytesWritten).to.equal(plaintext.length);
    expectSameBytes(readFileSync(files.path('back')), plaintext);
  });
});
