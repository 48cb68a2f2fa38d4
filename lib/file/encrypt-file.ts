/**
 * Encrypting one file into another, on every core (spec/format.md §7.3: every
 * chunk's place in the output is known in advance). The envelope is written
 * first, then the calling thread and worker threads seal batches of chunks
 * straight from the input to their offsets in a temporary file, which is renamed over the output only
 * once everything is written and fsynced. A signed file's chunk hashes come
 * back in order and the signature block is written last (§9).
 *
 * Inputs or outputs that cannot be used at an offset (pipes), and armored
 * output, take the streamed path; a custom backend object, which cannot cross
 * to a worker, runs in the calling thread. The bytes are the same either way.
 */
import { type EncryptInternals, type EncryptOptions, startEncryption } from '../encryption.js';
import type { Recipient } from '../recipients/recipient.js';
import { Transcript } from '../signing/transcript.js';
import { EncryptStream, encryptFor } from '../stream/encrypt.js';
import { SIGNATURE_BLOCK_LENGTH, chunkCount, payloadLength } from '../stream/frame.js';
import { writeFully } from './batch-cipher.js';
import { runBatches } from './batch-runner.js';
import { type FileJobOptions, type FileJobResult, assertThreadOptions, closeSource, openSource, planThreads, streamFile, writePositionally } from './endpoints.js';

/** Options for {@link encryptFile}: those of `encryptFor`, and how the job runs. */
export interface EncryptFileOptions extends EncryptOptions, FileJobOptions {}

/**
 * Encrypts the file at `input` to every recipient and writes the result to
 * `output` atomically: `output` appears whole once everything is written and
 * fsynced, or not at all (an existing file stays as it was). The bytes are
 * exactly those `encryptFor` would write with the same randomness.
 *
 * The input's size is read when the job starts, and that many bytes are
 * encrypted: a file that grows meanwhile is cut there, one that shrinks fails.
 * @throws as `encryptFor`; FileError ERR_FILE (cannot read, write or rename; the input
 *   shrank), ERR_ABORTED; RangeError or TypeError for a bad `threads` or `useCallingThread`
 */
export async function encryptFile(input: string, output: string, recipients: Iterable<Recipient>, options: EncryptFileOptions = {}): Promise<FileJobResult> {
  return encryptFileWith(input, output, recipients, options, {});
}

/** {@link encryptFile} with fixed randomness: not part of the public API (tests, vectors). */
export async function encryptFileWith(input: string, output: string, recipients: Iterable<Recipient>, options: EncryptFileOptions, internals: EncryptInternals): Promise<FileJobResult> {
  assertThreadOptions(options);
  const source = await openSource(input);
  try {
    if (!source.seekable || options.armor === true) return await streamFile(source, encryptFor(recipients, options), output, options);
    const encryption = startEncryption(recipients, options, internals);
    try {
      const { backend, envelope, signer, chunkSize } = encryption;
      const plan = planThreads(options, source.size, backend);
      const positional = await writePositionally(output, options, async (target) => {
        writeFully(target, [envelope], 0);
        const transcript = signer === undefined ? undefined : new Transcript(backend, envelope);
        const job = {
          direction: 'seal',
          input: { fd: source.fd, path: source.path },
          output: { fd: target.fd, path: target.path },
          payloadKey: encryption.payloadKey,
          chunkSize,
          chunkCount: chunkCount(source.size, chunkSize),
          plaintextLength: source.size,
          payloadOffset: envelope.length,
          hashChunks: transcript !== undefined,
        } as const;
        await runBatches(job, {
          useCallingThread: plan.useCallingThread,
          workers: plan.workers,
          backend,
          signal: options.signal,
          onProgress: options.onProgress === undefined ? undefined : (done) => options.onProgress!(done, source.size),
          onChunkHashes: transcript === undefined ? undefined : (hashes) => transcript.addChunkHashes(hashes),
        });
        let written = envelope.length + payloadLength(source.size, chunkSize);
        if (signer !== undefined) {
          writeFully(target, [signer.sealBlock(backend, encryption.signatureKey!, transcript!.digest())], written);
          written += SIGNATURE_BLOCK_LENGTH;
        }
        return { bytesRead: source.size, bytesWritten: written, threads: plan.threads };
      });
      // Out to a pipe or a terminal: the envelope sealed above goes first, never sealed twice.
      return positional ?? (await streamFile(source, new EncryptStream(recipients, options, { encryption }), output, options));
    } finally {
      encryption.wipe();
    }
  } finally {
    closeSource(source);
  }
}
