/**
 * lib/stream/byte-queue.ts: exact slices in FIFO order, zero-copy inside one
 * queued array, a copy only across two, and a model check under random use.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ByteQueue } from '../../lib/stream/byte-queue.js';
import { patternBytes, thrownBy } from './support.js';

describe('byte queue (lib/stream/byte-queue.ts)', () => {
  it('ignores empty pushes and tracks the queued length', () => {
    const queue = new ByteQueue();
    queue.push(new Uint8Array(0));
    expect(queue.length).to.equal(0);
    queue.push(Uint8Array.of(1, 2, 3));
    queue.push(Uint8Array.of(4));
    expect(queue.length).to.equal(4);
  });

  it('hands out a view of the queued array when the slice lies inside it', () => {
    const queue = new ByteQueue();
    const big = patternBytes(100);
    queue.push(big);
    const slice = queue.take(40);
    expect(slice.buffer).to.equal(big.buffer);
    expect(slice.byteOffset).to.equal(big.byteOffset);
    expect(queue.take(60)).to.deep.equal(big.subarray(40));
  });

  it('copies a slice that straddles queued arrays, in order', () => {
    const queue = new ByteQueue();
    queue.push(Uint8Array.of(1, 2));
    queue.push(Uint8Array.of(3, 4, 5));
    queue.push(Uint8Array.of(6));
    expect(queue.take(4)).to.deep.equal(Uint8Array.of(1, 2, 3, 4));
    expect(queue.takeAll()).to.deep.equal(Uint8Array.of(5, 6));
    expect(queue.length).to.equal(0);
  });

  it('peeks a copy without consuming', () => {
    const queue = new ByteQueue();
    queue.push(Uint8Array.of(1, 2));
    queue.push(Uint8Array.of(3));
    const peeked = queue.peek(3);
    peeked.fill(9);
    expect(queue.length).to.equal(3);
    expect(queue.take(3)).to.deep.equal(Uint8Array.of(1, 2, 3));
  });

  it('clears every reference', () => {
    const queue = new ByteQueue();
    queue.push(patternBytes(10));
    queue.clear();
    expect(queue.length).to.equal(0);
    expect(queue.takeAll()).to.deep.equal(new Uint8Array(0));
  });

  it('refuses to take or peek more than is queued, as an internal error', () => {
    const queue = new ByteQueue();
    queue.push(Uint8Array.of(1, 2));
    for (const misuse of [() => queue.take(3), () => queue.peek(3)]) {
      const error = thrownBy(misuse);
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(/^internal error: /);
    }
    expect(queue.length).to.equal(2);
  });

  it('keeps order through thousands of one-byte pushes (compaction)', () => {
    const queue = new ByteQueue();
    const data = patternBytes(5000, 3);
    for (const byte of data) queue.push(Uint8Array.of(byte));
    const out: number[] = [];
    while (queue.length >= 7) out.push(...queue.take(7));
    out.push(...queue.takeAll());
    expect(Uint8Array.from(out)).to.deep.equal(data);
  });

  it('behaves as a flat byte FIFO under any sequence of pushes, takes and peeks', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), bytes: fc.uint8Array({ maxLength: 40 }) }),
      fc.record({ kind: fc.constant('take' as const), size: fc.nat(60) }),
      fc.record({ kind: fc.constant('peek' as const), size: fc.nat(60) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const queue = new ByteQueue();
        let model: number[] = [];
        for (const step of ops) {
          if (step.kind === 'push') {
            queue.push(step.bytes);
            model.push(...step.bytes);
          } else {
            const size = Math.min(step.size, model.length);
            const got = step.kind === 'take' ? queue.take(size) : queue.peek(size);
            expect([...got]).to.deep.equal(model.slice(0, size));
            if (step.kind === 'take') model = model.slice(size);
          }
          expect(queue.length).to.equal(model.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
