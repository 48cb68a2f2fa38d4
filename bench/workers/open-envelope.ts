/**
 * Worker: in a fresh process, parse an envelope and find one's entry once, as
 * a CLI does when it decrypts a file. Key parsing and file reading happen
 * before the clock starts; what is timed is the first, cold openEnvelope.
 *
 * Usage: node open-envelope.js ENVELOPE_FILE KEY_FILE MAX_RECIPIENTS
 */
import { readFileSync } from 'node:fs';
import { openEnvelope } from '../../lib/envelope.js';
import { parsePrivateKey } from '../../lib/index.js';
import { peakRssKiB, printReport } from '../child.js';

const [envelopeFile, keyFile, maxRecipients] = process.argv.slice(2);
if (envelopeFile === undefined || keyFile === undefined || maxRecipients === undefined) {
  throw new Error('usage: open-envelope.js ENVELOPE_FILE KEY_FILE MAX_RECIPIENTS');
}
const envelope = new Uint8Array(readFileSync(envelopeFile));
const privateKey = parsePrivateKey(readFileSync(keyFile, 'utf8').trim());
const started = performance.now();
openEnvelope(envelope, privateKey, Number(maxRecipients));
printReport({ ms: performance.now() - started, maxRssKiB: peakRssKiB() });
