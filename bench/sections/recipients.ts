/**
 * Measurement 2: the header against the number of recipients: time to build
 * it, time to parse it and find one's entry (warm, and cold in a fresh process
 * as a CLI meets it), and its size per recipient.
 *
 * Only the first and the last recipient of the list are real key pairs; the
 * others are random canonical X25519 public keys, which cost the sender exactly
 * what a real key costs (one agreement, one HKDF, one seal) and spare the run
 * ten thousand key generations. The header sorts entries by tag, so list order
 * and header order are unrelated; the lookup is a binary search either way.
 */
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Bench } from 'tinybench';
import { openEnvelope } from '../../lib/envelope.js';
import { parseHeader } from '../../lib/format/header.js';
import { PREFIX_LENGTH } from '../../lib/format/prefix.js';
import { DEFAULT_MAX_HEADER_BYTES } from '../../lib/format/limits.js';
import { type KeyPair, PublicKey, decryptWith, encryptFor, generateKeyPair } from '../../lib/index.js';
import { type WorkerReport, runWorker } from '../child.js';
import { CountingSink, createReplayInput, sameBytes } from '../data.js';
import { type Summary, summarize } from '../stats.js';

/** Recipient counts measured. */
export const RECIPIENT_COUNTS = [1, 10, 100, 1_000, 10_000];
const MAC_LENGTH = 32;

/** The figures for one recipient count. Times in ms. */
export interface RecipientFigures {
  recipients: number;
  envelopeBytes: number;
  build: Summary;
  parse: Summary;
  openFirst: Summary;
  openLast: Summary;
  coldFirst: Summary;
  coldLast: Summary;
}

/** Everything measurement 2 produces. */
export interface RecipientResults {
  rows: RecipientFigures[];
  /** Envelope bytes each recipient beyond the first adds. */
  bytesPerRecipient: number;
}

/** How much to measure. */
export interface RecipientPlan {
  /** Timed runs for each figure (tinybench takes at least this many). */
  runs: number;
  /** Fresh processes for each cold figure. */
  coldRuns: number;
}

function fillerKey(): PublicKey {
  const x25519 = new Uint8Array(randomBytes(32));
  // Clearing the top bit keeps u below 2^255; u ≥ 2^255 − 19 (non-canonical, refused) then has odds of 2^-250.
  x25519[31]! &= 0x7f;
  return new PublicKey(x25519, new Uint8Array(randomBytes(32)));
}

async function decryptTiny(ciphertext: Uint8Array, keys: KeyPair, recipients: number): Promise<Uint8Array> {
  const sink = new CountingSink(true);
  const limits = { maxRecipients: recipients, maxHeaderBytes: Math.max(DEFAULT_MAX_HEADER_BYTES, ciphertext.length) };
  await pipeline(createReplayInput([ciphertext]), decryptWith(keys.privateKey, limits), sink);
  return sink.kept;
}

/**
 * Encrypts a short message to every recipient and decrypts it as the first and
 * the last; returns the envelope for the timings.
 * @throws Error when either does not get the message back
 */
async function verifyRecipients(recipients: PublicKey[], first: KeyPair, last: KeyPair): Promise<Uint8Array> {
  const message = new Uint8Array(randomBytes(1000));
  const sink = new CountingSink(true);
  const stream = encryptFor(recipients);
  await pipeline(createReplayInput([message]), stream, sink);
  for (const keys of [first, last]) {
    if (!sameBytes(await decryptTiny(sink.kept, keys, recipients.length), message)) {
      throw new Error(`round trip failed for ${recipients.length} recipients`);
    }
  }
  return stream.envelope;
}

/** Times `fn` with tinybench: at least `runs` timed calls after one warm-up call. */
async function timeWithTinybench(name: string, runs: number, fn: () => void): Promise<Summary> {
  const bench = new Bench({ iterations: runs, time: 0, warmupIterations: 1, warmupTime: 0, throws: true, retainSamples: true });
  bench.add(name, fn);
  const [task] = await bench.run();
  const result = task!.result;
  if (result.state !== 'completed') throw new Error(`internal error: tinybench task ${name} ended as ${result.state}`);
  const samples = result.latency.samples ?? [];
  return samples.length > 0 ? summarize([...samples]) : { median: result.latency.p50, min: result.latency.min, max: result.latency.max, runs: result.latency.samplesCount };
}

async function timeCold(dir: string, envelope: string, key: string, recipients: number, runs: number): Promise<Summary> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const report = await runWorker<WorkerReport>('open-envelope', [join(dir, envelope), join(dir, key), String(recipients)]);
    samples.push(report.ms);
  }
  return summarize(samples);
}

async function measureCount(recipients: number, plan: RecipientPlan, dir: string): Promise<RecipientFigures> {
  const first = generateKeyPair();
  // With one recipient the first is also the last.
  const last = recipients === 1 ? first : generateKeyPair();
  const list = Array.from({ length: recipients }, (_, i) => (i === 0 ? first.publicKey : i === recipients - 1 ? last.publicKey : fillerKey()));
  const envelope = await verifyRecipients(list, first, last);
  const build = await timeWithTinybench(`build ${recipients}`, plan.runs, () => encryptFor(list).destroy());
  const headerBytes = envelope.subarray(PREFIX_LENGTH, envelope.length - MAC_LENGTH);
  const parse = await timeWithTinybench(`parse ${recipients}`, plan.runs, () => void parseHeader(headerBytes, { maxRecipients: recipients }));
  const openFirst = await timeWithTinybench(`open first ${recipients}`, plan.runs, () => void openEnvelope(envelope, first.privateKey, recipients));
  const openLast = await timeWithTinybench(`open last ${recipients}`, plan.runs, () => void openEnvelope(envelope, last.privateKey, recipients));
  await writeFile(join(dir, `envelope-${recipients}.bin`), envelope);
  await writeFile(join(dir, `first-${recipients}.key`), first.privateKey.export());
  await writeFile(join(dir, `last-${recipients}.key`), last.privateKey.export());
  const coldFirst = await timeCold(dir, `envelope-${recipients}.bin`, `first-${recipients}.key`, recipients, plan.coldRuns);
  const coldLast = await timeCold(dir, `envelope-${recipients}.bin`, `last-${recipients}.key`, recipients, plan.coldRuns);
  return { recipients, envelopeBytes: envelope.length, build, parse, openFirst, openLast, coldFirst, coldLast };
}

/**
 * Runs measurement 2, keeping scratch files in `dir`.
 * @throws Error when a round trip fails
 */
export async function measureRecipients(plan: RecipientPlan, dir: string, log: (message: string) => void): Promise<RecipientResults> {
  const rows: RecipientFigures[] = [];
  for (const recipients of RECIPIENT_COUNTS) {
    log(`recipients: ${recipients}`);
    rows.push(await measureCount(recipients, plan, dir));
  }
  const one = rows[0]!;
  const most = rows[rows.length - 1]!;
  return { rows, bytesPerRecipient: (most.envelopeBytes - one.envelopeBytes) / (most.recipients - one.recipients) };
}
