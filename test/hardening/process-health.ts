/**
 * Registers hooks on the enclosing mocha suite that fail it on an unhandled
 * promise rejection during its tests, or on handles (sockets, timers, child
 * processes, workers) still open after it than before it. This is what lets the
 * suite run without `mocha --exit`: a leak shows up as a failure here, not as a
 * process that never ends.
 */
import { expect } from 'chai';
import { setImmediate as nextTurn } from 'node:timers/promises';

function countResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) counts.set(name, (counts.get(name) ?? 0) + 1);
  return counts;
}

/** Resource kinds whose count grew from `before` to `after`. */
function grownResources(before: Map<string, number>, after: Map<string, number>): string[] {
  return [...after].filter(([name, count]) => count > (before.get(name) ?? 0)).map(([name, count]) => `${name} ${before.get(name) ?? 0} -> ${count}`);
}

/** Lets streams finish their teardown, which takes a few turns of the event loop. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await nextTurn();
}

/** Call inside a `describe`: adds the before and after hooks. */
export function watchProcessHealth(): void {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  let baseline = new Map<string, number>();

  // Both hooks settle first, so each counts mocha's own timer for the running hook the same way.
  before(async () => {
    await settle();
    baseline = countResources();
    process.on('unhandledRejection', onRejection);
  });

  after(async () => {
    await settle();
    process.off('unhandledRejection', onRejection);
    expect(rejections.map(String), 'unhandled rejections').to.deep.equal([]);
    expect(grownResources(baseline, countResources()), 'handles left open').to.deep.equal([]);
  });
}
