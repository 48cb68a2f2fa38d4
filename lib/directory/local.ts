/**
 * In-process directories (spec/directory.md §4): the embedded local directory
 * (the server's storage engine and rules, without HTTP) and the offline card
 * folder. Both write through a {@link CardRegistry} and check what they return
 * exactly as the HTTP client does.
 */
import type { Card } from '../cards/card.js';
import { normalizeIdentity } from '../cards/identity.js';
import type { Revocation } from '../cards/revocation.js';
import type { PrivateKey } from '../keys/keys.js';
import { type DirectoryTrust, assertCardId, authoritiesOf, checkFetchedCard, checkLiveCards, findEach, revocationFor } from './checks.js';
import type { CardDirectory, RevokeOptions } from './directory.js';
import { openFolderStore } from './folder-store.js';
import { openLogStore } from './log-store.js';
import { CardRegistry, type RegistryPolicy } from './registry.js';

/** How long a command waits for another process to release the embedded directory. */
const LOCAL_LOCK_WAIT_MS = 10_000;

/** Options for {@link openLocalDirectory}. */
export interface LocalDirectoryOptions extends DirectoryTrust, RegistryPolicy {}

/** Options for {@link openCardFolder}. */
export interface CardFolderOptions extends DirectoryTrust {}

/** A {@link CardDirectory} over a registry in this process. */
class RegistryDirectory implements CardDirectory {
  readonly #registry: CardRegistry;
  readonly #trust: DirectoryTrust;
  #closed: Promise<void> | undefined;

  constructor(registry: CardRegistry, trust: DirectoryTrust) {
    this.#registry = registry;
    this.#trust = trust;
  }

  #assertOpen(): void {
    if (this.#closed !== undefined) throw new RangeError('the directory is closed');
  }

  async find(identity: string): Promise<Card[]> {
    this.#assertOpen();
    const normal = normalizeIdentity(identity);
    return checkLiveCards(normal, await this.#registry.findLive(normal), this.#trust);
  }

  findMany(identities: Iterable<string>): Promise<Map<string, Card[]>> {
    return findEach(identities, async (normal) => new Map(await Promise.all(normal.map(async (i) => [i, await this.find(i)] as const))));
  }

  async get(id: string): Promise<Card> {
    this.#assertOpen();
    assertCardId(id);
    const { card, revocation } = await this.#registry.get(id);
    return checkFetchedCard(id, card, revocation, this.#trust);
  }

  async publish(card: Card): Promise<void> {
    this.#assertOpen();
    await this.#registry.publish(card);
  }

  async revoke(card: Card, privateKey: PrivateKey | Revocation, options?: RevokeOptions): Promise<void> {
    this.#assertOpen();
    await this.#registry.revoke(revocationFor(card, privateKey, options));
  }

  close(): Promise<void> {
    this.#closed ??= this.#registry.close();
    return this.#closed;
  }
}

/**
 * Opens the embedded directory in `dataDir` (created if needed): the same
 * append-only log and the same checks as the server, with no HTTP. One process
 * at a time may open a data directory.
 * @throws DirectoryError ERR_DIRECTORY_STORAGE
 */
export async function openLocalDirectory(dataDir: string, options: LocalDirectoryOptions = {}): Promise<CardDirectory> {
  // Commands that share the embedded directory hold it briefly: queue up rather than fail.
  const store = await openLogStore(dataDir, { waitMs: LOCAL_LOCK_WAIT_MS });
  const policy = { authorities: authoritiesOf(options), requireEndorsement: options.requireEndorsement ?? false };
  try {
    return new RegistryDirectory(new CardRegistry(store, policy), options);
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Opens a folder of exported card files (`*.card`) and revocations
 * (`*.revocation`) as a directory, for offline use. The folder is created if
 * needed; `publish` and `revoke` write files into it.
 * @throws DirectoryError ERR_DIRECTORY_STORAGE
 */
export async function openCardFolder(dir: string, options: CardFolderOptions = {}): Promise<CardDirectory> {
  const authorities = authoritiesOf(options);
  return new RegistryDirectory(new CardRegistry(await openFolderStore(dir, authorities), { authorities }), options);
}
