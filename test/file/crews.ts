/**
 * The ways a file job can share out its batches (lib/file/batch-runner.ts),
 * for tests that must hold whichever threads do the work. Workers alone is
 * the only way to be sure workers ran a batch: with the calling thread
 * working too, a small file is done before any worker has started.
 */

/** One way to run a file job, as the options that ask for it. */
export interface Crew {
  name: string;
  threads: number;
  useCallingThread: boolean;
}

export const CALLING_THREAD_ALONE: Crew = { name: 'the calling thread alone', threads: 1, useCallingThread: true };
export const WORKERS_ALONE: Crew = { name: 'two workers alone', threads: 2, useCallingThread: false };
export const MIXED_CREW: Crew = { name: 'the calling thread and two workers', threads: 3, useCallingThread: true };

/** Every way, for the tests that cover them all. */
export const CREWS: readonly Crew[] = [CALLING_THREAD_ALONE, WORKERS_ALONE, MIXED_CREW];

/** The options of `crew`, without its name. */
export function crewOptions(crew: Crew): { threads: number; useCallingThread: boolean } {
  return { threads: crew.threads, useCallingThread: crew.useCallingThread };
}
