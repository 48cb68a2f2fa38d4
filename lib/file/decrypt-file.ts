/**
 * Decrypting one file into another, on every core. The envelope is read and
 * opened first (spec/format.md §3–§6); the chunks a streaming decoder would
 * open before the end of input (lib/file/batches.ts) are opened by the
 * calling thread and worker threads, each written to its offset in a temporary file only once it has
 * authenticated; then the tail, the final chunk and a signed file's block,
 * is opened here by the same rules as the Transform (lib/stream/payload-tail.ts).
 * The output is renamed into place only after every chunk, and a signature
 * when senders are given, has verified: a reader never sees any plaintext of
 * a file that fails.
 *
 * Armored input and inputs or outputs that cannot be used at an offset take
 * the streamed path, with the same result.
 */
import { ARMOR_SNIFF_LENGTH, detectArmor } from '../armor/armor.js';
import type { Decryption, DecryptOptions } from '../decryption.js';
import { type Identities, checkSignature, decryptionPolicy, openDecryption, resolveIdentities } from '../decryption.js';
import { envelopeLength } from '../envelope.js';
import { HeaderError } from '../errors.js';
import type { Header } from '../format/header.js';
import { PREFIX_LENGTH, parsePrefix } from '../format/prefix.js';
import type { AtomicTarget } from '../io/atomic-target.js';
import type { SenderCard } from '../signing/sender-card.js';
import { DecryptStream } from '../stream/decrypt.js';
import { TAG_LENGTH } from '../stream/frame.js';
import { openPayloadTail } from '../stream/payload-tail.js';
import { readFully, writeFully } from './batch-cipher.js';
import { runBatches } from './batch-runner.js';
import { chunksBeforeTail } from './batches.js';
import { type FileJobOptions, type FileJobResult, type Source, type ThreadPlan, assertThreadOptions, closeSource, openSource, planThreads, streamFile, writePositionally } from './endpoints.js';

/** Options for {@link decryptFile}: those of `decryptWith`, and how the job runs. */
export interface DecryptFileOptions extends DecryptOptions, FileJobOptions {}

/** What {@link decryptFile} did, and what it found. */
export interface DecryptFileResult extends FileJobResult {
  header: Header;
  /** The card whose signature verified; undefined when no senders were given or the file is unsigned. */
  signer: SenderCard | undefined;
}

/** Reads `length` bytes at `position` into a new array. */
function readAt(source: Source, length: number, position: number): Uint8Array {
  return readFully(source, new Uint8Array(length), length, position);
}

/**
 * Reads the envelope off the front of the file, failing as the streaming
 * decoder fails on the same bytes (a short file, bad magic, an oversized header).
 */
function readEnvelope(source: Source, maxHeaderBytes: number): Uint8Array {
  const length = envelopeLength(parsePrefix(readAt(source, Math.min(source.size, PREFIX_LENGTH), 0), maxHeaderBytes));
  if (source.size < length) throw new HeaderError('ERR_HEADER_TRUNCATED', 'input ended inside the header');
  return readAt(source, length, 0);
}

/**
 * Decrypts the file at `input` with `privateKey` (a PrivateKey, its text form,
 * or several, as `decryptWith` takes them) and writes the plaintext to `output`
 * atomically: `output` appears, whole, only once every chunk has authenticated
 * and, with `verifyWith`, the sender's signature has verified; on any failure
 * it is left as it was.
 * @throws as `decryptWith`; FileError ERR_FILE (cannot read, write or rename; the input changed),
 *   ERR_ABORTED; RangeError or TypeError for a bad `threads` or `useCallingThread`
 */
export async function decryptFile(input: string, output: string, privateKey: Identities, options: DecryptFileOptions = {}): Promise<DecryptFileResult> {
  const keys = resolveIdentities(privateKey);
  const policy = decryptionPolicy(options, keys[0]!.backend);
  assertThreadOptions(options);
  const source = await openSource(input);
  try {
    if (!source.seekable || detectArmor(readAt(source, Math.min(source.size, ARMOR_SNIFF_LENGTH), 0)) === 'armor') {
      return await streamDecryption(source, new DecryptStream(keys, options), output, options);
    }
    const envelope = readEnvelope(source, policy.maxHeaderBytes);
    const decryption = openDecryption(envelope, keys, policy);
    try {
      const plan = planThreads(options, source.size - envelope.length, decryption.backend);
      const positional = await writePositionally(output, options, async (target) => {
        const result = await openPayload(source, target, decryption, envelope.length, plan, options);
        const signer = await checkSignature(decryption, policy, result.block);
        return { bytesRead: source.size, bytesWritten: result.plaintextBytes, threads: plan.threads, header: decryption.header, signer };
      });
      return positional ?? (await streamDecryption(source, new DecryptStream(keys, options), output, options));
    } finally {
      decryption.wipe();
    }
  } finally {
    closeSource(source);
  }
}

/**
 * Opens the payload into `target`: the chunks before the tail on the job's
 * threads, then the tail here. Returns the plaintext length and a signed
 * file's still-sealed signature block.
 */
async function openPayload(source: Source, target: AtomicTarget, decryption: Decryption, payloadOffset: number, plan: ThreadPlan, options: DecryptFileOptions): Promise<{ plaintextBytes: number; block: Uint8Array | undefined }> {
  const { chunkSize, transcript } = decryption;
  const frameLength = chunkSize + TAG_LENGTH;
  const sealedLength = source.size - payloadOffset;
  const before = chunksBeforeTail(sealedLength, chunkSize, decryption.signatureBlockLength);
  await runBatches(
    {
      direction: 'open',
      input: { fd: source.fd, path: source.path },
      output: { fd: target.fd, path: target.path },
      payloadKey: decryption.payloadKey,
      chunkSize,
      chunkCount: before,
      plaintextLength: before * chunkSize,
      payloadOffset,
      hashChunks: transcript !== undefined,
    },
    {
      useCallingThread: plan.useCallingThread,
      workers: plan.workers,
      backend: decryption.backend,
      signal: options.signal,
      onProgress: options.onProgress === undefined ? undefined : (done) => options.onProgress!(Math.min(source.size, payloadOffset + (done / chunkSize) * frameLength), source.size),
      onChunkHashes: transcript === undefined ? undefined : (hashes) => transcript.addChunkHashes(hashes),
    },
  );
  const tailOffset = payloadOffset + before * frameLength;
  const tail = openPayloadTail(
    { backend: decryption.backend, payloadKey: decryption.payloadKey, index: before, frameLength, signed: decryption.signatureBlockLength > 0 },
    readAt(source, source.size - tailOffset, tailOffset),
  );
  transcript?.addChunk([tail.sealedFinal]);
  writeFully(target, tail.plaintext, before * chunkSize);
  const finalLength = tail.plaintext.reduce((sum, piece) => sum + piece.length, 0);
  options.onProgress?.(source.size, source.size);
  return { plaintextBytes: before * chunkSize + finalLength, block: tail.block };
}

/** The streamed path, reporting like the positional one. */
async function streamDecryption(source: Source, decrypter: DecryptStream, output: string, options: DecryptFileOptions): Promise<DecryptFileResult> {
  let signer: SenderCard | undefined;
  decrypter.once('signer', (card: SenderCard) => (signer = card));
  const result = await streamFile(source, decrypter, output, options);
  return { ...result, header: decrypter.header!, signer };
}
