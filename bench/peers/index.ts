/**
 * The peers of measurement 4, in table order. cardseal is first: every ratio
 * is cardseal's throughput over the peer's.
 */
import { agePeer } from './age.js';
import { awsPeer } from './aws.js';
import { cardsealBufferedPeer, cardsealPeer } from './cardseal.js';
import { openpgpAeadPeer, openpgpDefaultPeer } from './openpgp.js';
import type { Peer } from './peer.js';

export type { CommandPeer, LibraryPeer, Operation, Peer } from './peer.js';

/** Every peer, cardseal first; its buffered variant shows what the caller's write buffering is worth. */
export const PEERS: readonly Peer[] = [cardsealPeer, cardsealBufferedPeer, agePeer, openpgpAeadPeer, openpgpDefaultPeer, awsPeer];

/**
 * The peer with `id`.
 * @throws RangeError for an unknown id
 */
export function findPeer(id: string): Peer {
  const peer = PEERS.find((p) => p.id === id);
  if (peer === undefined) throw new RangeError(`unknown peer ${id}`);
  return peer;
}
