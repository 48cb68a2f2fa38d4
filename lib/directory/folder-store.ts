/**
 * A folder of exported card files as a store (spec/directory.md §6.4), for
 * offline use: `*.card` files hold one card's text form, `*.revocation` files
 * one revocation's. Any file name works, so cards can be dropped in by hand;
 * files the folder writes itself are named after the card id.
 *
 * The folder is read again on every query, so it always reflects what is on
 * disk. Every file is checked when read: a card must verify, a revocation must
 * be signed by the card's key or a trusted authority. A file that fails is an
 * error naming the file, never silently skipped.
 */
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type Card, type TrustedSigner, importCard } from '../cards/card.js';
import { type Revocation, importRevocation, verifyRevocation } from '../cards/revocation.js';
import { CardError, CardsealError, DirectoryError } from '../errors.js';
import { type AddCardResult, CardIndex } from './card-index.js';
import type { CardStore } from './storage.js';

const CARD_SUFFIX = '.card';
const REVOCATION_SUFFIX = '.revocation';

function inFile(file: string, error: unknown): CardsealError {
  if (error instanceof CardError) return new CardError(error.code, `${file}: ${error.message}`, { cause: error });
  if (error instanceof CardsealError) return error;
  return new DirectoryError('ERR_DIRECTORY_STORAGE', `cannot read ${file}: ${(error as Error).message}`, { cause: error });
}

async function writeFileDurably(dir: string, name: string, text: string): Promise<void> {
  const temporary = join(dir, `.${name}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, join(dir, name));
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const dirHandle = await open(dir, 'r');
  try {
    await dirHandle.sync();
  } finally {
    await dirHandle.close();
  }
}

/** A folder of card and revocation files. Open it with {@link openFolderStore}. */
export class FolderStore implements CardStore {
  readonly #dir: string;
  readonly #authorities: readonly TrustedSigner[];
  // Writes from this process run one at a time, so check-then-write is atomic here.
  #writing: Promise<unknown> = Promise.resolve();

  /** Use {@link openFolderStore}. */
  constructor(dir: string, authorities: readonly TrustedSigner[]) {
    this.#dir = dir;
    this.#authorities = authorities;
  }

  async #load(): Promise<CardIndex> {
    let names: string[];
    try {
      names = (await readdir(this.#dir)).filter((n) => !n.startsWith('.')).sort();
    } catch (error) {
      throw new DirectoryError('ERR_DIRECTORY_STORAGE', `cannot read the card folder: ${(error as Error).message}`, { cause: error });
    }
    const index = new CardIndex();
    const revocations: [string, Revocation][] = [];
    for (const name of names) {
      const isCard = name.endsWith(CARD_SUFFIX);
      if (!isCard && !name.endsWith(REVOCATION_SUFFIX)) continue;
      try {
        const text = await readFile(join(this.#dir, name), 'utf8');
        if (isCard) {
          const card = importCard(text);
          card.assertVerified();
          index.addCard(card);
        } else {
          revocations.push([name, importRevocation(text)]);
        }
      } catch (error) {
        throw inFile(name, error);
      }
    }
    for (const [name, revocation] of revocations) {
      const card = index.getCard(revocation.cardId);
      // A revocation of a card the folder lacks cannot be checked, and changes nothing here.
      if (card === undefined) continue;
      try {
        verifyRevocation(revocation, card, { authorities: this.#authorities });
      } catch (error) {
        throw inFile(name, error);
      }
      index.addRevocation(revocation);
    }
    return index;
  }

  #serialise<T>(write: () => Promise<T>): Promise<T> {
    const next = this.#writing.then(write, write);
    this.#writing = next.catch(() => undefined);
    return next;
  }

  putCard(card: Card): Promise<AddCardResult> {
    return this.#serialise(async () => {
      const result = (await this.#load()).checkCard(card);
      if (result === 'created') await this.#write(`${card.id}${CARD_SUFFIX}`, card.export());
      return result;
    });
  }

  putRevocation(revocation: Revocation): Promise<'created' | 'exists'> {
    return this.#serialise(async () => {
      if ((await this.#load()).getRevocation(revocation.cardId) !== undefined) return 'exists';
      await this.#write(`${revocation.cardId}${REVOCATION_SUFFIX}`, revocation.export());
      return 'created';
    });
  }

  async #write(name: string, text: string): Promise<void> {
    try {
      await writeFileDurably(this.#dir, name, `${text}\n`);
    } catch (error) {
      throw new DirectoryError('ERR_DIRECTORY_STORAGE', `cannot write ${name}: ${(error as Error).message}`, { cause: error });
    }
  }

  async getCard(id: string): Promise<Card | undefined> {
    return (await this.#load()).getCard(id);
  }

  async getRevocation(cardId: string): Promise<Revocation | undefined> {
    return (await this.#load()).getRevocation(cardId);
  }

  async findLive(identity: string): Promise<Card[]> {
    return (await this.#load()).findLive(identity);
  }

  async close(): Promise<void> {
    await this.#writing;
  }
}

/**
 * Opens a card folder, creating it if needed. `authorities` may sign revocation files.
 * @throws DirectoryError ERR_DIRECTORY_STORAGE
 */
export async function openFolderStore(dir: string, authorities: readonly TrustedSigner[] = []): Promise<FolderStore> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('dir must be a path');
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new DirectoryError('ERR_DIRECTORY_STORAGE', `cannot create the card folder: ${(error as Error).message}`, { cause: error });
  }
  return new FolderStore(dir, authorities);
}
