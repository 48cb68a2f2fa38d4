/**
 * The shape of one bench run's figures, as written to bench/results.json and
 * read back by the report, the targets and the charts.
 */
import type { MachineInfo } from './machine.js';
import type { CliResults } from './sections/cli.js';
import type { ComparisonResults } from './sections/compare.js';
import type { DirectoryResults } from './sections/directory.js';
import type { MemoryResults } from './sections/memory.js';
import type { RecipientResults } from './sections/recipients.js';
import type { ThroughputResults } from './sections/throughput.js';

/** The sections of a run, in order. */
export const SECTIONS = ['throughput', 'recipients', 'memory', 'peers', 'cli', 'directory'] as const;
export type SectionName = (typeof SECTIONS)[number];

/** Everything one run measured. A section that did not run is absent. */
export interface BenchResults {
  mode: 'quick' | 'full';
  machine: MachineInfo;
  durationSeconds: number;
  throughput?: ThroughputResults;
  recipients?: RecipientResults;
  memory?: MemoryResults;
  peers?: ComparisonResults;
  cli?: CliResults;
  directory?: DirectoryResults;
  /** Sections skipped or failed, with the reason. */
  notes: string[];
}
