/**
 * The storage interface under a directory (spec/directory.md §6). The registry
 * (registry.ts) decides what may be stored; a store only keeps it durably and
 * answers queries. Two stores ship: the append-only log (log-store.ts), the
 * default of the server and the local directory, and a folder of card files
 * (folder-store.ts) for offline use.
 *
 * A networked database implements the same five calls (spec/directory.md §6.3):
 *
 *   cards(id PRIMARY KEY, identity INDEXED, previous_id UNIQUE NULL, bytes)
 *   revocations(card_id PRIMARY KEY REFERENCES cards, bytes)
 *
 *   putCard        INSERT … ON CONFLICT DO NOTHING; a primary-key clash is 'exists',
 *                  a previous_id clash is 'conflict'. Resolve after COMMIT.
 *   putRevocation  INSERT … ON CONFLICT DO NOTHING.
 *   getCard, getRevocation
 *                  SELECT by key.
 *   findLive       SELECT the identity's cards with no revocation and no row whose
 *                  previous_id is theirs (the registry re-checks the rotation link).
 *
 * The unique constraints make concurrent writers on many machines safe with no
 * lock: the database serialises exactly the two races that matter.
 */
import type { Card } from '../cards/card.js';
import type { Revocation } from '../cards/revocation.js';
import type { AddCardResult } from './card-index.js';

/** Durable card storage. Every write resolves only once it would survive a crash. */
export interface CardStore {
  /**
   * Stores a card durably, unless one with its id is stored ('exists') or another
   * card already names the same previous card ('conflict').
   * @throws DirectoryError ERR_DIRECTORY_STORAGE
   */
  putCard(card: Card): Promise<AddCardResult>;
  /**
   * Stores a revocation durably; the first one for a card wins ('exists').
   * @throws DirectoryError ERR_DIRECTORY_STORAGE
   */
  putRevocation(revocation: Revocation): Promise<'created' | 'exists'>;
  /** A stored card by id. */
  getCard(id: string): Promise<Card | undefined>;
  /** The stored revocation of a card. */
  getRevocation(cardId: string): Promise<Revocation | undefined>;
  /** The identity's cards that are neither revoked nor validly replaced. */
  findLive(identity: string): Promise<Card[]>;
  /** Flushes and releases the store. Idempotent. */
  close(): Promise<void>;
}
