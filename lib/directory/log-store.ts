/**
 * The default store: one append-only log file, `cards.log`, in the data
 * directory (spec/directory.md §6.1).
 *
 *   log    = magic "cardseal-log-v1\n" ‖ *batch
 *   batch  = 1*record ‖ commit
 *   record = length (u32 BE) ‖ kind (u8: 1 card, 2 revocation, 3 commit) ‖ payload ‖ crc32(length ‖ kind ‖ payload) (u32 BE)
 *   commit = a record of kind 3 with an empty payload
 *
 * Concurrent writes are grouped into one batch, written with one write and made
 * durable with one fdatasync (group commit), so durability costs one disk flush
 * per batch, not per card; a write is acknowledged only after that flush. On
 * open the index is rebuilt from the committed batches. Whatever follows the
 * last commit record was never acknowledged and is truncated, torn or not, as
 * is a final batch damaged by a torn write. Damage in any earlier batch is real
 * corruption of acknowledged data, and the store refuses to open.
 */
import { mkdir, open, type FileHandle, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { asBuffer, concatBytes, utf8 } from '../bytes.js';
import { type Card, importCard } from '../cards/card.js';
import { type Revocation, importRevocation } from '../cards/revocation.js';
import { CardsealError, DirectoryError } from '../errors.js';
import { type AddCardResult, CardIndex } from './card-index.js';
import { type LockOptions, lockDataDir } from './lock.js';
import type { CardStore } from './storage.js';

/** The 16-byte magic that opens the log. */
export const LOG_MAGIC = utf8('cardseal-log-v1\n');
/** The log file's name inside the data directory. */
export const LOG_FILE_NAME = 'cards.log';
const RECORD_OVERHEAD = 9;
/** No record payload is larger than this; a bigger length is damage. */
const MAX_RECORD_PAYLOAD = 64 * 1024;
const KIND_CARD = 1;
const KIND_REVOCATION = 2;
const KIND_COMMIT = 3;

function storageError(message: string, cause?: unknown): DirectoryError {
  return new DirectoryError('ERR_DIRECTORY_STORAGE', message, { cause });
}

/** Frames one record. */
export function encodeLogRecord(kind: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_OVERHEAD + payload.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, payload.length);
  out[4] = kind;
  out.set(payload, 5);
  view.setUint32(5 + payload.length, crc32(out.subarray(0, 5 + payload.length)));
  return out;
}

interface LogRecord {
  kind: number;
  payload: Uint8Array;
}

/** Reads the record at `offset`: the record and its end, or undefined when it is incomplete or damaged. */
function readRecord(log: Uint8Array, offset: number): { record: LogRecord; end: number } | undefined {
  if (log.length - offset < RECORD_OVERHEAD) return undefined;
  const view = new DataView(log.buffer, log.byteOffset + offset, log.length - offset);
  const length = view.getUint32(0);
  if (length > MAX_RECORD_PAYLOAD || length > log.length - offset - RECORD_OVERHEAD) return undefined;
  const end = offset + RECORD_OVERHEAD + length;
  if (crc32(log.subarray(offset, end - 4)) !== view.getUint32(5 + length)) return undefined;
  return { record: { kind: log[offset + 4]!, payload: log.subarray(offset + 5, end - 4) }, end };
}

// Every commit record is these same 9 bytes, so one can be found even past damage.
const COMMIT_RECORD = encodeLogRecord(KIND_COMMIT, new Uint8Array(0));

/**
 * Splits a log into its committed records. Returns where the last commit ends;
 * the caller truncates there.
 * @throws DirectoryError ERR_DIRECTORY_STORAGE when damage lies inside an acknowledged batch
 */
export function scanLog(log: Uint8Array): { records: LogRecord[]; validLength: number } {
  const records: LogRecord[] = [];
  let batch: LogRecord[] = [];
  let committedLength = LOG_MAGIC.length;
  let offset = LOG_MAGIC.length;
  while (offset < log.length) {
    const next = readRecord(log, offset);
    if (next === undefined) {
      // Batch k+1 is written only after batch k was flushed: damage followed by a commit
      // record and more data is in a flushed batch. Damage in the final batch is a torn write.
      const marker = asBuffer(log).indexOf(COMMIT_RECORD, offset + 1);
      if (marker >= 0 && marker + COMMIT_RECORD.length < log.length) {
        throw storageError(`the log is damaged at byte ${offset}, inside an acknowledged batch`);
      }
      break;
    }
    offset = next.end;
    if (next.record.kind !== KIND_COMMIT) {
      batch.push(next.record);
      continue;
    }
    records.push(...batch);
    batch = [];
    committedLength = offset;
  }
  return { records, validLength: committedLength };
}

interface QueuedWrite {
  bytes: Uint8Array;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** The append-only log store. Open it with {@link openLogStore}. */
export class LogStore implements CardStore {
  readonly #index: CardIndex;
  readonly #handle: FileHandle;
  readonly #release: () => Promise<void>;
  // Writes accepted but not yet durable: they count for uniqueness, not for reads.
  readonly #pendingCards = new Map<string, Promise<void>>();
  readonly #pendingSuccessors = new Set<string>();
  readonly #pendingRevocations = new Map<string, Promise<void>>();
  #queue: QueuedWrite[] = [];
  #flushing: Promise<void> | undefined;
  #failure: Error | undefined;
  #closed = false;

  /** Use {@link openLogStore}. */
  constructor(index: CardIndex, handle: FileHandle, release: () => Promise<void>) {
    this.#index = index;
    this.#handle = handle;
    this.#release = release;
  }

  /** How many cards the log holds (durable ones). */
  get size(): number {
    return this.#index.size;
  }

  async putCard(card: Card): Promise<AddCardResult> {
    const pending = this.#pendingCards.get(card.id);
    if (pending !== undefined) {
      await pending;
      return 'exists';
    }
    // From here to the reservation nothing awaits, so the check and the reservation are atomic.
    const check = this.#index.checkCard(card);
    if (check !== 'created') return check;
    const previous = card.previousCardId;
    if (previous !== undefined && this.#pendingSuccessors.has(previous)) return 'conflict';
    if (previous !== undefined) this.#pendingSuccessors.add(previous);
    const write = this.#append(encodeLogRecord(KIND_CARD, card.toBytes())).then(() => {
      this.#index.addCard(card);
    }).finally(() => {
      this.#pendingCards.delete(card.id);
      if (previous !== undefined) this.#pendingSuccessors.delete(previous);
    });
    this.#pendingCards.set(card.id, write);
    await write;
    return 'created';
  }

  async putRevocation(revocation: Revocation): Promise<'created' | 'exists'> {
    const pending = this.#pendingRevocations.get(revocation.cardId);
    if (pending !== undefined) {
      await pending;
      return 'exists';
    }
    if (this.#index.getRevocation(revocation.cardId) !== undefined) return 'exists';
    const write = this.#append(encodeLogRecord(KIND_REVOCATION, revocation.toBytes())).then(() => {
      this.#index.addRevocation(revocation);
    }).finally(() => this.#pendingRevocations.delete(revocation.cardId));
    this.#pendingRevocations.set(revocation.cardId, write);
    await write;
    return 'created';
  }

  async getCard(id: string): Promise<Card | undefined> {
    return this.#index.getCard(id);
  }

  async getRevocation(cardId: string): Promise<Revocation | undefined> {
    return this.#index.getRevocation(cardId);
  }

  async findLive(identity: string): Promise<Card[]> {
    return this.#index.findLive(identity);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    while (this.#flushing !== undefined) await this.#flushing;
    await this.#handle.close().catch(() => undefined);
    await this.#release();
  }

  #append(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(storageError('the card store is closed'));
    // After a failed write the file's tail is unknown; appending more could bury a torn record.
    if (this.#failure !== undefined) return Promise.reject(storageError('the card store failed a write and must be reopened', this.#failure));
    return new Promise((resolve, reject) => {
      this.#queue.push({ bytes, resolve, reject });
      this.#flushing ??= this.#flush().finally(() => {
        this.#flushing = undefined;
      });
    });
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const bytes = concatBytes(...batch.map((w) => w.bytes), COMMIT_RECORD);
        for (let written = 0; written < bytes.length;) {
          written += (await this.#handle.write(bytes, written, bytes.length - written)).bytesWritten;
        }
        // Durable before acknowledged (spec/directory.md §6.1).
        await this.#handle.datasync();
        for (const w of batch) w.resolve();
      } catch (error) {
        this.#failure = error as Error;
        const failed = storageError(`writing the card log failed: ${(error as Error).message}`, error);
        for (const w of [...batch, ...this.#queue]) w.reject(failed);
        this.#queue = [];
      }
    }
  }
}

function indexRecord(index: CardIndex, record: LogRecord, at: number): void {
  try {
    if (record.kind === KIND_CARD) index.addCard(importCard(record.payload));
    else if (record.kind === KIND_REVOCATION) index.addRevocation(importRevocation(record.payload));
    else throw storageError(`the log has a record of unknown kind ${record.kind}`);
  } catch (error) {
    if (error instanceof DirectoryError) throw error;
    throw storageError(`the log record #${at} is not a valid card or revocation`, error instanceof CardsealError ? error : undefined);
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function readOrCreateLog(path: string, dataDir: string): Promise<Uint8Array> {
  const existing = await stat(path).catch(() => undefined);
  const handle = await open(path, existing === undefined ? 'w+' : 'r+');
  try {
    const bytes = existing === undefined ? new Uint8Array(0) : new Uint8Array(await handle.readFile());
    // A log shorter than the magic was cut while being created: start it again.
    if (bytes.length < LOG_MAGIC.length && LOG_MAGIC.subarray(0, bytes.length).every((b, i) => bytes[i] === b)) {
      await handle.truncate(0);
      await handle.write(LOG_MAGIC, 0, LOG_MAGIC.length, 0);
      await handle.sync();
      if (existing === undefined) await syncDirectory(dataDir);
      return LOG_MAGIC.slice();
    }
    if (bytes.length < LOG_MAGIC.length || !LOG_MAGIC.every((b, i) => bytes[i] === b)) {
      throw storageError(`${LOG_FILE_NAME} is not a cardseal card log`);
    }
    return bytes;
  } finally {
    await handle.close();
  }
}

/**
 * Opens (creating if needed) the log store in `dataDir`, takes its lock,
 * truncates a torn tail and rebuilds the index.
 * @throws DirectoryError ERR_DIRECTORY_STORAGE
 */
export async function openLogStore(dataDir: string, lockOptions: LockOptions = {}): Promise<LogStore> {
  if (typeof dataDir !== 'string' || dataDir === '') throw new TypeError('dataDir must be a path');
  try {
    await mkdir(dataDir, { recursive: true });
  } catch (error) {
    throw storageError(`cannot create the data directory: ${(error as Error).message}`, error);
  }
  const release = await lockDataDir(dataDir, lockOptions);
  try {
    const path = join(dataDir, LOG_FILE_NAME);
    const log = await readOrCreateLog(path, dataDir);
    const { records, validLength } = scanLog(log);
    const index = new CardIndex();
    records.forEach((record, i) => indexRecord(index, record, i));
    const handle = await open(path, 'a');
    if (validLength < log.length) {
      await handle.truncate(validLength);
      await handle.sync();
    }
    return new LogStore(index, handle, release);
  } catch (error) {
    await release();
    if (error instanceof CardsealError) throw error;
    throw storageError(`cannot open the card log: ${(error as Error).message}`, error);
  }
}
