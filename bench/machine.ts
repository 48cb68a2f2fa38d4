/**
 * What the figures were measured on, and whether the machine was quiet enough
 * for them to mean something. RESULTS.md opens with this.
 */
import * as os from 'node:os';

/** The machine and the moment of a bench run. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  date: string;
  /** 1-, 5- and 15-minute load averages when the run started. */
  loadAtStart: number[];
  /** The same when the run ended; filled in by the caller. */
  loadAtEnd: number[];
}

/** Describes this machine now. */
export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAtStart: os.loadavg(),
    loadAtEnd: [],
  };
}

/** The current load averages. */
export function readLoad(): number[] {
  return os.loadavg();
}

/**
 * True when other work left most of the cores free: the 1-minute load at the
 * start below half the cores, and at the end below that plus every core, since
 * the bench's last sections (the file API, the directory under load) keep all
 * of them busy themselves. A run on a busy machine measures the neighbours as
 * much as the code.
 */
export function wasQuiet(loadAtStart: readonly number[], loadAtEnd: readonly number[], cores: number): boolean {
  const limit = cores * 0.5;
  return (loadAtStart[0] ?? 0) < limit && (loadAtEnd[0] ?? 0) < limit + cores;
}
