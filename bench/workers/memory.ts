/**
 * Worker: stream generated data through the library in a fresh process and
 * report the process's peak RSS, so the figure is this stream's alone.
 *
 *   bare       generate the pattern only: what Node itself costs
 *   baseline   also load the library, stream nothing: what importing it costs
 *   encrypt    generated input → encryptFor → counting sink
 *   roundtrip  generated input → encryptFor → decryptWith → counting sink
 *
 * Usage: node memory.js MODE BYTES
 */
import { pipeline } from 'node:stream/promises';
import { peakRssKiB, printReport } from '../child.js';
import { CountingSink, READ_SIZE, createGeneratedInput, createPattern } from '../data.js';

const MODES = ['bare', 'baseline', 'encrypt', 'roundtrip'];
const [mode, bytesArgument] = process.argv.slice(2);
const total = Number(bytesArgument);
if (!MODES.includes(mode ?? '') || !Number.isSafeInteger(total)) throw new Error(`usage: memory.js ${MODES.join('|')} BYTES`);
const pattern = createPattern();
const sink = new CountingSink();
const started = performance.now();
if (mode !== 'bare') {
  // Imported here, not at the top, so the bare mode measures Node without the library.
  const { ciphertextSize, decryptWith, encryptFor, generateKeyPair } = await import('../../lib/index.js');
  const keys = generateKeyPair();
  if (mode === 'encrypt') {
    await pipeline(createGeneratedInput(total, READ_SIZE, pattern), encryptFor([keys.publicKey]), sink);
    if (sink.bytes !== ciphertextSize(total)) throw new Error(`encrypt wrote ${sink.bytes} bytes, expected ${ciphertextSize(total)}`);
  } else if (mode === 'roundtrip') {
    await pipeline(createGeneratedInput(total, READ_SIZE, pattern), encryptFor([keys.publicKey]), decryptWith(keys.privateKey), sink);
    if (sink.bytes !== total) throw new Error(`round trip gave ${sink.bytes} bytes, expected ${total}`);
  }
}
printReport({ ms: performance.now() - started, maxRssKiB: peakRssKiB(), outBytes: sink.bytes });
