/**
 * Measurement 5: the cardseal CLI against age, 10 recipients: once writing to
 * /dev/null, which compares the programs alone, and once file to file, also
 * against age followed by `sync OUT`, which writes as durably as the cardseal
 * CLI's fsynced output.
 * Also times the CLI's start-up alone: encrypting an empty file to 10
 * recipients into /dev/null, which costs Node, every module the command loads
 * and the header, the fixed cost every invocation pays before its first
 * payload byte.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../child.js';
import { agePeer, ageSyncPeer } from '../peers/age.js';
import { cardsealCliPeer } from '../peers/cardseal-cli.js';
import { type Summary, summarize } from '../stats.js';
import { type Workspace, makeSubdirectory } from '../workspace.js';
import { type ComparisonResults, comparePeers } from './compare.js';

/** The file-to-file comparison, the one to /dev/null, and the CLI start-up time in ms when the CLI could run. */
export interface CliResults extends ComparisonResults {
  /** The same programs writing to /dev/null: no file system, no fsync. */
  devNull: ComparisonResults | undefined;
  startup: Summary | undefined;
}

/** How much to measure. */
export interface CliPlan {
  runs: number;
}

async function measureStartup(runs: number, workspace: Workspace): Promise<Summary | undefined> {
  const dir = await makeSubdirectory(workspace, 'startup');
  const empty = join(dir, 'empty');
  await writeFile(empty, new Uint8Array(0));
  await cardsealCliPeer.createKeys(dir, 10);
  const { file, args } = cardsealCliPeer.commandFor('encrypt', dir, empty, '/dev/null');
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const result = await runCommand(file, args);
    if (result.exitCode !== 0) return undefined;
    samples.push(result.ms);
  }
  return summarize(samples);
}

/**
 * Runs measurement 5 on the workspace's input file.
 * @throws Error only for failures of the workspace itself
 */
export async function measureCli(plan: CliPlan, workspace: Workspace, log: (message: string) => void): Promise<CliResults> {
  const devNull = await comparePeers({ name: 'cli-null', peers: [cardsealCliPeer, agePeer], recipientCounts: [10], runs: plan.runs, sink: 'null' }, workspace, log);
  const comparison = await comparePeers({ name: 'cli', peers: [cardsealCliPeer, agePeer, ageSyncPeer], recipientCounts: [10], runs: plan.runs, sink: 'file' }, workspace, log);
  const measured = comparison.rows.some((row) => row.peerId === cardsealCliPeer.id);
  return { ...comparison, devNull, startup: measured ? await measureStartup(plan.runs, workspace) : undefined };
}
