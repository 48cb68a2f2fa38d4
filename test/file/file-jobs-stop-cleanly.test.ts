import { expect } from 'chai';
import { closeSync, existsSync, openSync, truncateSync, writeFileSync } from 'node:fs';
import { nodeBackend } from '../../lib/crypto/node.js';
import { CardsealError } from '../../lib/errors.js';
import { BatchCipher } from '../../lib/file/batch-cipher.js';
import { runBatches } from '../../lib/file/batch-runner.js';
import { BATCH_BYTES } from '../../lib/file/batches.js';
import { decryptFile } from '../../lib/file/decrypt-file.js';
import { encryptFile } from '../../lib/file/encrypt-file.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { C, patternBytes, thrownBy } from '../core/support.js';
import { scratchFolder } from '../scratch.js';
import { CALLING_THREAD_ALONE, WORKERS_ALONE, crewOptions } from './crews.js';

function codeOf(error: unknown): string | undefined {
  return error instanceof CardsealError ? error.code : undefined;
}

describe('file jobs stop cleanly', () => {
  const files = scratchFolder();
  const { publicKey, privateKey } = generateKeyPair();
  const plaintext = patternBytes(12 * BATCH_BYTES, 2);

  for (const crew of [CALLING_THREAD_ALONE, WORKERS_ALONE]) {
    it(`an abort removes the temporary file at once and rejects with ERR_ABORTED (${crew.name})`, async () => {
      // Workers report progress every 100 ms, so their input is a sparse GiB: still running at the first report.
      writeFileSync(files.path('in'), crew === CALLING_THREAD_ALONE ? plaintext : '');
      if (crew !== CALLING_THREAD_ALONE) truncateSync(files.path('in'), 1 << 30);
      const controller = new AbortController();
      let during: string[] | undefined;
      const error = await encryptFile(files.path('in'), files.path('out'), [publicKey], {
        ...crewOptions(crew),
        chunkSize: C,
        signal: controller.signal,
        onProgress: () => {
          if (during !== undefined) return;
          controller.abort();
          // Synchronously, as a signal handler about to exit would see it.
          during = files.entries();
        },
      }).catch((e: unknown) => e);
      expect(during).to.deep.equal(['in']);
      expect(codeOf(error)).to.equal('ERR_ABORTED');
      expect(files.entries()).to.deep.equal(['in']);
    });
  }

  it('an already aborted signal stops before anything is written', async () => {
    writeFileSync(files.path('in'), plaintext.subarray(0, 1000));
    const error = await encryptFile(files.path('in'), files.path('out'), [publicKey], { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(codeOf(error)).to.equal('ERR_ABORTED');
    expect(files.entries()).to.deep.equal(['in']);
  });

  it('an input shorter than the size the job started with fails its batch with ERR_FILE', () => {
    // The job measures the input when it starts; a file cut meanwhile is met as a short read.
    writeFileSync(files.path('in'), plaintext.subarray(0, BATCH_BYTES + 1000));
    const input = openSync(files.path('in'), 'r');
    const output = openSync(files.path('out'), 'w');
    try {
      const job = { direction: 'seal', input: { fd: input, path: files.path('in') }, output: { fd: output, path: files.path('out') }, payloadKey: new Uint8Array(32), chunkSize: C, plaintextLength: 3 * BATCH_BYTES, chunkCount: (3 * BATCH_BYTES) / C, payloadOffset: 0, hashChunks: false } as const;
      const cipher = new BatchCipher(job, nodeBackend);
      expect(cipher.run(0).plaintextBytes).to.equal(BATCH_BYTES);
      const error = thrownBy(() => cipher.run(1));
      expect(codeOf(error)).to.equal('ERR_FILE');
      expect((error as Error).message).to.equal('the input became shorter while it was read');
    } finally {
      closeSync(input);
      closeSync(output);
    }
  });

  it('a read or write that fails inside a batch fails with ERR_FILE naming the file, whichever thread met it', async () => {
    writeFileSync(files.path('in'), plaintext.subarray(0, 3 * BATCH_BYTES));
    const readable = openSync(files.path('in'), 'r');
    // Open for reading only, so every write to it fails (EBADF), as a full disk would fail it.
    writeFileSync(files.path('out'), '');
    const unwritable = openSync(files.path('out'), 'r');
    try {
      const job = { direction: 'seal', input: { fd: readable, path: files.path('in') }, output: { fd: unwritable, path: files.path('out') }, payloadKey: new Uint8Array(32), chunkSize: C, plaintextLength: 3 * BATCH_BYTES, chunkCount: (3 * BATCH_BYTES) / C, payloadOffset: 0, hashChunks: false } as const;
      for (const [crew, threads] of [[CALLING_THREAD_ALONE, { useCallingThread: true, workers: 0 }], [WORKERS_ALONE, { useCallingThread: false, workers: 2 }]] as const) {
        const error = await runBatches(job, { ...threads, backend: nodeBackend }).catch((e: unknown) => e);
        expect(codeOf(error), crew.name).to.equal('ERR_FILE');
        expect((error as Error).message, crew.name).to.equal(`cannot write ${files.path('out')}: bad file descriptor`);
      }
    } finally {
      closeSync(readable);
      closeSync(unwritable);
    }
  });

  it('reports progress up to the whole input, once at the end at least', async () => {
    writeFileSync(files.path('in'), plaintext);
    for (const job of ['encrypt', 'decrypt'] as const) {
      const seen: [number, number | undefined][] = [];
      const onProgress = (done: number, total: number | undefined): void => void seen.push([done, total]);
      const total = job === 'encrypt' ? plaintext.length : (await encryptFile(files.path('in'), files.path('sealed'), [publicKey])).bytesWritten;
      if (job === 'encrypt') await encryptFile(files.path('in'), files.path('sealed'), [publicKey], { onProgress });
      else await decryptFile(files.path('sealed'), files.path('back'), privateKey, { onProgress });
      expect(seen.at(-1), job).to.deep.equal([total, total]);
      for (let i = 1; i < seen.length; i++) expect(seen[i]![0], `${job} progress never goes back`).to.be.at.least(seen[i - 1]![0]);
    }
  });

  it('refuses a bad thread count as a caller error, and a folder or a missing input with ERR_FILE', async () => {
    writeFileSync(files.path('in'), plaintext.subarray(0, 10));
    for (const [threads, type] of [[0, RangeError], [65, RangeError], [1.5, TypeError]] as const) {
      const error = await encryptFile(files.path('in'), files.path('out'), [publicKey], { threads }).catch((e: unknown) => e);
      expect(error, `threads ${threads}`).to.be.instanceOf(type);
      expect((error as Error).message).to.match(/^threads must be/);
    }
    // Checked on the streamed path too (armor), not only where threads are used.
    const streamed = await encryptFile(files.path('in'), files.path('out'), [publicKey], { armor: true, threads: 0 }).catch((e: unknown) => e);
    expect(streamed).to.be.instanceOf(RangeError);
    const notBoolean = await encryptFile(files.path('in'), files.path('out'), [publicKey], { useCallingThread: 'no' as unknown as boolean }).catch((e: unknown) => e);
    expect(notBoolean).to.be.instanceOf(TypeError);
    expect((notBoolean as Error).message).to.equal('useCallingThread must be a boolean');
    expect(codeOf(await encryptFile(files.path('missing'), files.path('out'), [publicKey]).catch((e: unknown) => e))).to.equal('ERR_FILE');
    expect(codeOf(await decryptFile(files.path(''), files.path('out'), privateKey).catch((e: unknown) => e))).to.equal('ERR_FILE');
    expect(existsSync(files.path('out'))).to.equal(false);
  });
});
