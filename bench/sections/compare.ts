/**
 * Peers side by side on the same file in the same run (measurements 4 and 5).
 *
 * For each recipient count every peer gets its own keys, round-trips a small
 * file (compared byte for byte) before anything is timed, then encrypts and
 * decrypts the input file. Runs are interleaved peer by peer, so a busy
 * moment on a shared machine hits all peers alike, and each ratio is taken
 * between runs of the same round. A peer that fails is dropped with its
 * reason; the others go on.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type ProcessRun, type WorkerReport, runCommand, runWorker, tailOf } from '../child.js';
import { sameBytes } from '../data.js';
import type { Operation, Peer } from '../peers/index.js';
import { type Summary, megabytesPerSecond, pairedRatios, summarize } from '../stats.js';
import { type Workspace, makeSubdirectory } from '../workspace.js';

/** One peer at one recipient count. Throughput in MB/s of plaintext, RSS in MiB. */
export interface ComparisonRow {
  peerId: string;
  label: string;
  recipients: number;
  encrypt: Summary;
  decrypt: Summary;
  encryptRss: Summary | undefined;
  decryptRss: Summary | undefined;
  /** The reference peer's throughput over this peer's, run by run. */
  encryptRatio: Summary;
  decryptRatio: Summary;
}

/** A peer (at a recipient count, when given) that was not measured, and why. */
export interface Skip {
  peerId: string;
  label: string;
  recipients?: number;
  reason: string;
}

/** Everything a comparison produces. */
export interface ComparisonResults {
  inputBytes: number;
  sink: 'null' | 'file';
  rows: ComparisonRow[];
  skipped: Skip[];
  /** Each measured peer's version and suite. */
  peers: { peerId: string; label: string; version: string; suite: string }[];
}

/** What to compare. The first peer is the reference of every ratio. */
export interface ComparisonPlan {
  name: string;
  peers: readonly Peer[];
  recipientCounts: readonly number[];
  runs: number;
  /** Write outputs to /dev/null, or to real files (end to end). */
  sink: 'null' | 'file';
}

interface Measured {
  ms: number;
  maxRssKiB: number | undefined;
}

/**
 * Runs one operation of one peer, file to file.
 * @throws Error when the peer fails or writes the wrong number of bytes
 */
async function runOperation(peer: Peer, operation: Operation, dir: string, input: string, output: string, expectedBytes?: number): Promise<Measured> {
  if (peer.kind === 'library') {
    const report = await runWorker<WorkerReport>('peer', [peer.id, operation, dir, input, output]);
    if (expectedBytes !== undefined && report.outBytes !== expectedBytes) {
      throw new Error(`${peer.label} ${operation} wrote ${String(report.outBytes)} bytes, expected ${expectedBytes}`);
    }
    return report;
  }
  const { file, args } = peer.commandFor(operation, dir, input, output);
  const run: ProcessRun = await runCommand(file, args);
  if (run.exitCode !== 0) throw new Error(`${peer.label} ${operation} exited with ${String(run.exitCode)}: ${tailOf(run.stderr)}`);
  if (expectedBytes !== undefined && output !== '/dev/null' && (await stat(output)).size !== expectedBytes) {
    throw new Error(`${peer.label} ${operation} wrote ${(await stat(output)).size} bytes, expected ${expectedBytes}`);
  }
  return run;
}

/** Encrypts and decrypts the small file and compares it byte for byte. */
async function verifyPeer(peer: Peer, dir: string, workspace: Workspace): Promise<void> {
  const sealed = join(dir, 'small.sealed');
  const opened = join(dir, 'small.opened');
  await runOperation(peer, 'encrypt', dir, workspace.small, sealed);
  await runOperation(peer, 'decrypt', dir, sealed, opened);
  const [original, result] = await Promise.all([readFile(workspace.small), readFile(opened)]);
  if (!sameBytes(original, result)) throw new Error(`${peer.label} round trip gave different bytes`);
  await Promise.all([rm(sealed), rm(opened)]);
}

interface PeerState {
  peer: Peer;
  dir: string;
  ciphertext: string;
  encrypt: Measured[];
  decrypt: Measured[];
}

function rssSummary(runs: Measured[]): Summary | undefined {
  const values = runs.map((r) => r.maxRssKiB).filter((v): v is number => v !== undefined);
  return values.length === 0 ? undefined : summarize(values.map((kib) => kib / 1024));
}

function sinkFor(plan: ComparisonPlan, state: PeerState, operation: Operation): string {
  return plan.sink === 'null' ? '/dev/null' : join(state.dir, `output-${operation}`);
}

async function measureCount(plan: ComparisonPlan, peers: Peer[], recipients: number, workspace: Workspace, skipped: Skip[], log: (message: string) => void): Promise<ComparisonRow[]> {
  let states: PeerState[] = [];
  const drop = async (state: PeerState, error: unknown): Promise<void> => {
    skipped.push({ peerId: state.peer.id, label: state.peer.label, recipients, reason: error instanceof Error ? error.message : String(error) });
    states = states.filter((s) => s !== state);
    // Its files go now: at 1 GiB each, a dropped peer's leftovers would crowd the disk until the end.
    await rm(state.dir, { recursive: true, force: true });
  };
  for (const peer of peers) {
    const dir = await makeSubdirectory(workspace, `${plan.name}-${peer.id}-${recipients}`);
    const state: PeerState = { peer, dir, ciphertext: join(dir, 'ciphertext'), encrypt: [], decrypt: [] };
    states.push(state);
    try {
      log(`${plan.name}: ${peer.label}, ${recipients} recipient(s): keys, round trip, ciphertext`);
      await peer.createKeys(dir, recipients);
      await verifyPeer(peer, dir, workspace);
      await runOperation(peer, 'encrypt', dir, workspace.input, state.ciphertext);
    } catch (error) {
      await drop(state, error);
    }
  }
  for (const operation of ['encrypt', 'decrypt'] as const) {
    for (let run = 0; run < plan.runs; run++) {
      log(`${plan.name}: ${recipients} recipient(s), ${operation} round ${run + 1} of ${plan.runs}`);
      for (const state of [...states]) {
        const input = operation === 'encrypt' ? workspace.input : state.ciphertext;
        const output = sinkFor(plan, state, operation);
        try {
          state[operation].push(await runOperation(state.peer, operation, state.dir, input, output, operation === 'decrypt' ? workspace.inputBytes : undefined));
          if (output !== '/dev/null') await rm(output, { force: true });
        } catch (error) {
          await drop(state, error);
        }
      }
    }
  }
  await Promise.all(states.map((state) => rm(state.ciphertext, { force: true })));
  const rate = (runs: Measured[]): number[] => runs.map((r) => megabytesPerSecond(workspace.inputBytes, r.ms));
  const reference = states.find((s) => s.peer === plan.peers[0]);
  return states.map((state) => ({
    peerId: state.peer.id,
    label: state.peer.label,
    recipients,
    encrypt: summarize(rate(state.encrypt)),
    decrypt: summarize(rate(state.decrypt)),
    encryptRss: rssSummary(state.encrypt),
    decryptRss: rssSummary(state.decrypt),
    encryptRatio: summarize(reference === undefined ? [Number.NaN] : pairedRatios(rate(reference.encrypt), rate(state.encrypt))),
    decryptRatio: summarize(reference === undefined ? [Number.NaN] : pairedRatios(rate(reference.decrypt), rate(state.decrypt))),
  }));
}

/**
 * Runs a comparison on the workspace's input file.
 * @throws Error only for failures outside any one peer (the workspace itself)
 */
export async function comparePeers(plan: ComparisonPlan, workspace: Workspace, log: (message: string) => void): Promise<ComparisonResults> {
  const skipped: Skip[] = [];
  const available: Peer[] = [];
  const peers: ComparisonResults['peers'] = [];
  for (const peer of plan.peers) {
    const missing = await peer.findMissing();
    if (missing !== undefined) {
      skipped.push({ peerId: peer.id, label: peer.label, reason: missing });
      continue;
    }
    available.push(peer);
    peers.push({ peerId: peer.id, label: peer.label, version: await peer.readVersion(), suite: peer.suite });
  }
  const rows: ComparisonRow[] = [];
  for (const recipients of plan.recipientCounts) {
    const peersHere = available.filter((peer) => peer.recipientCounts === undefined || peer.recipientCounts.includes(recipients));
    rows.push(...(await measureCount(plan, peersHere, recipients, workspace, skipped, log)));
  }
  return { inputBytes: workspace.inputBytes, sink: plan.sink, rows, skipped, peers };
}
