/**
 * Worker: one library peer performs one operation, file to file, in a fresh
 * process. The clock covers the operation only: process start-up and the
 * import of the peer's library come before it, for every peer alike.
 *
 * Usage: node peer.js PEER_ID encrypt|decrypt KEY_DIR INPUT OUTPUT
 */
import { peakRssKiB, printReport } from '../child.js';
import { findPeer } from '../peers/index.js';

const [id, operation, dir, input, output] = process.argv.slice(2);
if (id === undefined || (operation !== 'encrypt' && operation !== 'decrypt') || dir === undefined || input === undefined || output === undefined) {
  throw new Error('usage: peer.js PEER_ID encrypt|decrypt KEY_DIR INPUT OUTPUT');
}
const peer = findPeer(id);
if (peer.kind !== 'library') throw new Error(`peer ${id} is a command, not a library`);
// Load the library before the clock starts; run() then finds it in the module cache.
await peer.findMissing();
const started = performance.now();
const outBytes = await peer.run(operation, dir, input, output);
printReport({ ms: performance.now() - started, maxRssKiB: peakRssKiB(), outBytes });
