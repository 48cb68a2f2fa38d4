/**
 * The real `cardseal` process on a large file (1,100 chunks of 64 KiB) with one
 * bit flipped in chunk 1,000: `decrypt -o FILE` exits 1 with a clear error and
 * leaves no output file and no temporary file, though a thousand chunks had
 * authenticated first; to stdout it writes whole chunks of the true plaintext,
 * byte for byte, up to the tampered one and nothing after it.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, createWriteStream, openSync, readSync, readdirSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { makeTempDir, publicKeyOf, runCli, startCli } from '../cli/cli-fixtures.js';
import { deterministicBytes } from '../fuzz/corpus.js';
import { watchProcessHealth } from './process-health.js';

const CHUNK = 64 * 1024;
const CHUNKS = 1100;
const TAMPERED_CHUNK = 1000;
/** Plaintext block repeated with a counter, so the file is large but cheap to build and to check. */
const BLOCK = deterministicBytes('cli-large-file', CHUNK);

function plaintextChunk(index: number): Uint8Array {
  const chunk = BLOCK.slice();
  new DataView(chunk.buffer).setUint32(0, index);
  return chunk;
}

describe('the CLI refuses a large file tampered deep inside', () => {
  watchProcessHealth();
  const temp = makeTempDir('cardseal-hardening-cli-');
  const at = (name: string): string => join(temp.dir, name);
  let tampered: string;
  let headerLength: number;

  before(async function () {
    this.timeout(120_000);
    const keygen = await runCli(['keygen', '-o', at('key.txt')]);
    expect(keygen.code).to.equal(0);
    const out = createWriteStream(at('large.bin'));
    for (let i = 0; i < CHUNKS; i++) if (!out.write(plaintextChunk(i))) await once(out, 'drain');
    out.end();
    await finished(out);
    const encrypt = await runCli(['encrypt', '-q', '--chunk-size', '64K', '--to', publicKeyOf(keygen), '-o', at('large.cs'), at('large.bin')], { timeoutMs: 120_000 });
    expect(encrypt.code, encrypt.stderr).to.equal(0);
    // The envelope length is in the prefix (spec §3.1); chunk i starts i × (C + 16) bytes after it.
    const fd = openSync(at('large.cs'), 'r+');
    try {
      const prefix = Buffer.alloc(16);
      readSync(fd, prefix, 0, 16, 0);
      headerLength = 16 + prefix.readUInt32BE(12) + 32;
      const position = headerLength + TAMPERED_CHUNK * (CHUNK + 16) + 1234;
      const byte = Buffer.alloc(1);
      readSync(fd, byte, 0, 1, position);
      byte[0]! ^= 0x10;
      writeSync(fd, byte, 0, 1, position);
    } finally {
      closeSync(fd);
    }
    tampered = at('large.cs');
  });

  after(() => temp.cleanup());

  it('decrypt -o exits 1 with the chunk named, and leaves no output and no temporary file', async function () {
    this.timeout(120_000);
    const result = await runCli(['decrypt', '-q', '-i', at('key.txt'), '-o', at('large.out'), tampered], { timeoutMs: 120_000 });
    expect(result.code).to.equal(1);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('error: ') || line.startsWith('hint: '));
    expect(lines).to.deep.equal([
      `error: chunk ${TAMPERED_CHUNK} failed authentication (altered, reordered, or cut inside the chunk)`,
      'hint: the file was altered or damaged after encryption',
    ]);
    expect(readdirSync(temp.dir).sort()).to.deep.equal(['key.txt', 'large.bin', 'large.cs']);
  });

  it('decrypt to stdout writes only authentic plaintext from before the tampered chunk, then exits 1', async function () {
    this.timeout(120_000);
    const child = startCli(['decrypt', '-q', '-i', at('key.txt'), tampered]);
    child.stdin!.end();
    // Hash stdout as it streams rather than holding 64 MB.
    const hash = createHash('sha256');
    let length = 0;
    child.stdout!.on('data', (data: Buffer) => {
      hash.update(data);
      length += data.length;
    });
    const stderr: Buffer[] = [];
    child.stderr!.on('data', (data: Buffer) => stderr.push(data));
    const killer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    const [code] = (await once(child, 'close')) as [number | null];
    clearTimeout(killer);
    expect(code).to.equal(1);
    expect(Buffer.concat(stderr).toString('utf8')).to.include(`error: chunk ${TAMPERED_CHUNK} failed authentication`);
    // What reached stdout is a prefix of the true plaintext that stops before the tampered chunk: every
    // chunk was authenticated before any of it was written. A chunk can arrive in two pieces (it spanned
    // two reads), and a failure can land between them, so the prefix need not end on a chunk boundary;
    // the pipe being bounded, nearly every chunk before the tampered one got through.
    expect(length).to.be.within((TAMPERED_CHUNK - 32) * CHUNK, TAMPERED_CHUNK * CHUNK);
    const expected = createHash('sha256');
    for (let i = 0; i * CHUNK < length; i++) expected.update(plaintextChunk(i).subarray(0, length - i * CHUNK));
    expect(hash.digest('hex')).to.equal(expected.digest('hex'));
  });
});
