import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CryptoBackend } from '../../lib/crypto/index.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { CardsealError } from '../../lib/errors.js';
import { runBatches } from '../../lib/file/batch-runner.js';
import { BATCH_BYTES } from '../../lib/file/batches.js';
import { decryptFile } from '../../lib/file/decrypt-file.js';
import { encryptFileWith } from '../../lib/file/encrypt-file.js';
import { WorkerPool, startFileWorkers } from '../../lib/file/file-workers.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { chunkCount, payloadLength } from '../../lib/stream/frame.js';
import { C, encryptPiped, expectSameBytes, fixedRandomness, patternBytes } from '../core/support.js';
import { makeSender, signedBy } from '../signing/support.js';
import { scratchFolder } from '../scratch.js';

const LIBRARY = fileURLToPath(new URL('../../lib/index.js', import.meta.url));

describe('file workers serve many jobs', () => {
  const files = scratchFolder();
  const alice = generateKeyPair();
  const sender = makeSender('erin@example.com');

  it('run job after job, signed and not, sealing and opening, without the calling thread', async () => {
    const workers = startFileWorkers(2);
    try {
      for (const [i, length] of [0, C + 1, 3 * BATCH_BYTES + 5, 5 * BATCH_BYTES].entries()) {
        const plaintext = patternBytes(length, i + 20);
        writeFileSync(files.path('in'), plaintext);
        const options = i % 2 === 0 ? { chunkSize: C } : signedBy(sender, { chunkSize: C });
        const sealed = await encryptFileWith(files.path('in'), files.path('out'), [alice.publicKey], { ...options, workers, useCallingThread: false }, { randomness: fixedRandomness(i) });
        expect(sealed.threads).to.equal(2);
        expectSameBytes(readFileSync(files.path('out')), await encryptPiped([alice.publicKey], plaintext, 65_536, options, fixedRandomness(i)), `sealed ${length} bytes`);
        const opened = await decryptFile(files.path('out'), files.path('back'), alice.privateKey, { workers, useCallingThread: false, ...(i % 2 === 0 ? {} : { verifyWith: [sender.card] }) });
        expect(opened.threads).to.equal(2);
        expectSameBytes(readFileSync(files.path('back')), plaintext, `opened ${length} bytes`);
      }
    } finally {
      await workers.close();
    }
  });

  it('take two jobs at once, each getting its own bytes, with the calling thread working too', async () => {
    const workers = startFileWorkers(2);
    try {
      const first = patternBytes(4 * BATCH_BYTES + 9, 31);
      const second = patternBytes(6 * BATCH_BYTES + 3, 32);
      writeFileSync(files.path('a'), first);
      writeFileSync(files.path('b'), second);
      const [a, b] = await Promise.all([
        encryptFileWith(files.path('a'), files.path('a.sealed'), [alice.publicKey], { chunkSize: C, workers }, { randomness: fixedRandomness(1) }),
        encryptFileWith(files.path('b'), files.path('b.sealed'), [alice.publicKey], { chunkSize: C, workers }, { randomness: fixedRandomness(2) }),
      ]);
      expect([a.threads, b.threads]).to.deep.equal([3, 3]);
      expectSameBytes(readFileSync(files.path('a.sealed')), await encryptPiped([alice.publicKey], first, 65_536, { chunkSize: C }, fixedRandomness(1)), 'first');
      expectSameBytes(readFileSync(files.path('b.sealed')), await encryptPiped([alice.publicKey], second, 65_536, { chunkSize: C }, fixedRandomness(2)), 'second');
    } finally {
      await workers.close();
    }
  });

  it('let one of two jobs be aborted while the other finishes whole', async () => {
    const workers = startFileWorkers(2);
    try {
      writeFileSync(files.path('huge'), '');
      truncateSync(files.path('huge'), 1 << 30);
      const kept = patternBytes(7 * BATCH_BYTES + 11, 33);
      writeFileSync(files.path('kept'), kept);
      const controller = new AbortController();
      const [aborted, finished] = await Promise.all([
        encryptFileWith(files.path('huge'), files.path('huge.sealed'), [alice.publicKey], { workers, signal: controller.signal, onProgress: (done) => void (done > 0 && controller.abort()) }, {}).catch((e: unknown) => e),
        encryptFileWith(files.path('kept'), files.path('kept.sealed'), [alice.publicKey], { workers, useCallingThread: false }, { randomness: fixedRandomness(5) }),
      ]);
      expect((aborted as CardsealError).code).to.equal('ERR_ABORTED');
      expect(existsSync(files.path('huge.sealed'))).to.equal(false);
      expect(finished.bytesRead).to.equal(kept.length);
      expectSameBytes(readFileSync(files.path('kept.sealed')), await encryptPiped([alice.publicKey], kept, 65_536, {}, fixedRandomness(5)), 'the job that finished');
    } finally {
      await workers.close();
    }
  });

  it('closed during a job, abort it and leave no output; closed, take no more jobs', async () => {
    writeFileSync(files.path('in'), '');
    truncateSync(files.path('in'), 1 << 30);
    const workers = startFileWorkers(1);
    let closing: Promise<void> | undefined;
    const error = await encryptFileWith(
      files.path('in'),
      files.path('out'),
      [alice.publicKey],
      { chunkSize: C, workers, useCallingThread: false, onProgress: (done) => void (done > 0 && (closing ??= workers.close())) },
      {},
    ).catch((e: unknown) => e);
    await closing;
    expect((error as CardsealError).code).to.equal('ERR_ABORTED');
    expect((error as Error).message).to.equal('the file workers were closed during the job; its output was discarded');
    expect(existsSync(files.path('out'))).to.equal(false);
    expect(files.entries()).to.deep.equal(['in']);
    writeFileSync(files.path('in'), 'small');
    const refused = await encryptFileWith(files.path('in'), files.path('out'), [alice.publicKey], { workers }, {}).catch((e: unknown) => e);
    expect((refused as Error).message).to.equal('these file workers are closed');
  });

  it('fail a job that a worker cannot start, as an internal error, and keep the worker for the next job', async () => {
    const plaintext = patternBytes(3 * BATCH_BYTES + 77, 34);
    writeFileSync(files.path('in'), plaintext);
    // A backend a worker cannot load, which fails the job outside any batch.
    const unloadable = { ...nodeBackend, name: 'unloadable' } as unknown as CryptoBackend;
    const pool = new WorkerPool(1);
    const runOn = async (backend: CryptoBackend): Promise<unknown> => {
      const input = openSync(files.path('in'), 'r');
      const output = openSync(files.path('out'), 'w');
      try {
        const job = { direction: 'seal', input: { fd: input, path: files.path('in') }, output: { fd: output, path: files.path('out') }, payloadKey: new Uint8Array(32).fill(7), chunkSize: C, chunkCount: chunkCount(plaintext.length, C), plaintextLength: plaintext.length, payloadOffset: 0, hashChunks: false } as const;
        return await runBatches(job, { useCallingThread: false, workers: pool, backend });
      } catch (error) {
        return error;
      } finally {
        closeSync(input);
        closeSync(output);
      }
    };
    try {
      const failed = await runOn(unloadable);
      expect(failed).to.be.instanceOf(Error);
      expect((failed as Error).message).to.equal("internal error: a file worker could not start the job: backend must be 'node' or 'noble', got unloadable");
      expect(pool.size).to.equal(1);
      expect(await runOn(nodeBackend)).to.equal(undefined);
      expect(readFileSync(files.path('out')).length).to.equal(payloadLength(plaintext.length, C));
    } finally {
      await pool.close();
    }
  });

  it('end an aborted job at once, while its only worker is still busy with another', async () => {
    writeFileSync(files.path('huge'), '');
    truncateSync(files.path('huge'), 1 << 30);
    writeFileSync(files.path('small'), patternBytes(2 * BATCH_BYTES, 35));
    const workers = startFileWorkers(1);
    try {
      const stopHuge = new AbortController();
      let hugeSettled = false;
      const huge = encryptFileWith(files.path('huge'), files.path('huge.sealed'), [alice.publicKey], { workers, useCallingThread: false, signal: stopHuge.signal }, {})
        .catch((e: unknown) => e)
        .finally(() => (hugeSettled = true));
      const stopSmall = new AbortController();
      const small = encryptFileWith(files.path('small'), files.path('small.sealed'), [alice.publicKey], { workers, useCallingThread: false, signal: stopSmall.signal }, {});
      await new Promise((resolve) => setTimeout(resolve, 50));
      stopSmall.abort();
      const error = await small.catch((e: unknown) => e);
      // The worker never reached the small job: it was sealing the huge one, which is still running.
      expect(hugeSettled).to.equal(false);
      expect((error as CardsealError).code).to.equal('ERR_ABORTED');
      stopHuge.abort();
      expect(((await huge) as CardsealError).code).to.equal('ERR_ABORTED');
      expect(files.entries().filter((name) => name.includes('sealed'))).to.deep.equal([]);
    } finally {
      await workers.close();
    }
  });

  it('refuse a bad count, a foreign object, and workers with a thread count', async () => {
    for (const [count, type] of [[0, RangeError], [65, RangeError], [2.5, TypeError]] as const) {
      expect(() => startFileWorkers(count), `count ${count}`).to.throw(type, /^count must be/);
    }
    writeFileSync(files.path('in'), 'x');
    const foreign = await encryptFileWith(files.path('in'), files.path('out'), [alice.publicKey], { workers: {} as never }, {}).catch((e: unknown) => e);
    expect(foreign).to.be.instanceOf(TypeError);
    expect((foreign as Error).message).to.equal('workers must come from startFileWorkers');
    const workers = startFileWorkers(1);
    try {
      const both = await encryptFileWith(files.path('in'), files.path('out'), [alice.publicKey], { workers, threads: 2 }, {}).catch((e: unknown) => e);
      expect(both).to.be.instanceOf(TypeError);
      expect((both as Error).message).to.equal('give threads or workers, not both');
    } finally {
      await workers.close();
    }
    expect(files.entries()).to.deep.equal(['in']);
  });

  it('do not keep a process alive while idle', () => {
    const started = Date.now();
    // The process exits on its own once its script is done, workers or not.
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', `const { startFileWorkers } = await import(${JSON.stringify(LIBRARY)}); const workers = startFileWorkers(2); console.log(workers.size);`], { encoding: 'utf8', timeout: 20_000 });
    expect(output.trim()).to.equal('2');
    expect(Date.now() - started).to.be.below(15_000);
  });
});
