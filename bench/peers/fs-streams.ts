/**
 * Not a peer but a ceiling: Node's file streams alone, copying the input to
 * the output with their defaults (64 KiB reads, 16 KiB of write buffering) and
 * no cipher. No pipeline between `fs` streams with these defaults can run
 * faster, whatever it computes; the stream API's row is measured against it.
 */
import type { LibraryPeer } from './peer.js';
import { openInput, pipeToFile } from './peer.js';

/** The copy, for "encrypt" and "decrypt" alike: the round trip gives back the input. */
export const fsStreamsPeer: LibraryPeer = {
  kind: 'library',
  id: 'fs-streams',
  label: "Node's fs streams alone (no cipher)",
  suite: "fs.createReadStream piped to fs.createWriteStream with Node's defaults: the ceiling of any pipeline between files",
  recipientCounts: [1],
  findMissing: async () => undefined,
  readVersion: async () => process.version,
  createKeys: async () => undefined,
  run: (_operation, _dir, input, output) => pipeToFile(openInput(input), [], output),
};
