/**
 * Measurement 5: the cardseal CLI against age, 10 recipients: once writing to
 * /dev/null, which compares the programs alone, and once file to file, also
 * against age followed by `sync OUT`, which writes as durably as the cardseal
 * CLI's fsynced output.
 * Also times the CLI's start-up alone (`cardseal encrypt --help`: Node, the
 * argument parser and the encrypt command's modules), the fixed cost every
 * invocation pays before its first byte.
 */
import { runCommand } from '../child.js';
import { agePeer, ageSyncPeer } from '../peers/age.js';
import { CLI_PATH, cardsealCliPeer } from '../peers/cardseal-cli.js';
import { type Summary, summarize } from '../stats.js';
import type { Workspace } from '../workspace.js';
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

async function measureStartup(runs: number): Promise<Summary | undefined> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const result = await runCommand(process.execPath, [CLI_PATH, 'encrypt', '--help']);
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
  return { ...comparison, devNull, startup: measured ? await measureStartup(plan.runs) : undefined };
}
