/**
 * Interrupts: on SIGINT, SIGTERM or SIGHUP the CLI runs every registered
 * cleanup synchronously (removing temporary output files), says so on stderr
 * and exits with status 1. Nothing asynchronous can be trusted to run once a
 * signal arrives, so cleanups must be synchronous.
 *
 * A long-running command (a server) may instead ask to be stopped gracefully:
 * the first signal runs its async stop and exits 0; a second one exits at once.
 */

const cleanups = new Set<() => void>();
let gracefulStop: (() => Promise<void>) | undefined;
let stopping = false;

/** Makes the terminating signals run `stop` and exit 0, for commands whose normal end is a signal. */
export function stopGracefullyOnSignal(stop: () => Promise<void>): void {
  gracefulStop = stop;
}

/** Registers a synchronous cleanup for an interrupt; returns its unregister function. */
export function onInterrupt(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

/** Runs the cleanups, reports the interrupt and exits 1. */
export function interrupt(reason: string, stderr: NodeJS.WritableStream): never {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      // One failed cleanup must not stop the others.
    }
  }
  stderr.write(`error: interrupted by ${reason}\n`);
  process.exit(1);
}

/** Routes the terminating signals to {@link interrupt}, or to the graceful stop when one is set. */
export function installInterruptHandlers(stderr: NodeJS.WritableStream): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (gracefulStop === undefined || stopping) interrupt(signal, stderr);
      stopping = true;
      gracefulStop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
