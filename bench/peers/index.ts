/**
 * The peers of measurement 4, in table order. cardseal is first: every ratio
 * is cardseal's throughput over the peer's.
 */
import { agePeer } from './age.js';
import { awsPeer } from './aws.js';
import { cardsealOneThreadPeer, cardsealPeer, cardsealStreamPeer } from './cardseal.js';
import { fsStreamsPeer } from './fs-streams.js';
import { openpgpAeadPeer, openpgpDefaultPeer } from './openpgp.js';
import type { Peer } from './peer.js';

export type { CommandPeer, LibraryPeer, Operation, Peer } from './peer.js';

/**
 * Every peer, cardseal's file API first; on one thread it shows what one core
 * does, the stream API what a pipeline between Node's file streams does, and
 * those streams alone, copying, what any such pipeline can do at most.
 */
export const PEERS: readonly Peer[] = [cardsealPeer, cardsealOneThreadPeer, cardsealStreamPeer, fsStreamsPeer, agePeer, openpgpAeadPeer, openpgpDefaultPeer, awsPeer];

/**
 * The peer with `id`.
 * @throws RangeError for an unknown id
 */
export function findPeer(id: string): Peer {
  const peer = PEERS.find((p) => p.id === id);
  if (peer === undefined) throw new RangeError(`unknown peer ${id}`);
  return peer;
}
