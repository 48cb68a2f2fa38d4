import { expect } from 'chai';
import fc from 'fast-check';
import { BATCH_BYTES, batchRange, chunksBeforeTail, planBatches } from '../../lib/file/batches.js';
import { SIGNATURE_BLOCK_LENGTH, TAG_LENGTH, chunkCount, payloadLength } from '../../lib/stream/frame.js';

describe('file engine batches', () => {
  it('cover every chunk exactly once, in order, about BATCH_BYTES of plaintext each', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 12, max: 24 }), (count, exponent) => {
        const plan = planBatches(count, 2 ** exponent);
        let next = 0;
        for (let batch = 0; batch < plan.batchCount; batch++) {
          const { first, end } = batchRange(plan, batch);
          expect(first).to.equal(next);
          expect(end).to.be.above(first);
          expect((end - first) * 2 ** exponent).to.be.at.most(Math.max(BATCH_BYTES, 2 ** exponent));
          next = end;
        }
        expect(next).to.equal(count);
      }),
    );
  });

  it('a chunk larger than a batch is a batch of its own', () => {
    const plan = planBatches(3, 4 * BATCH_BYTES);
    expect(plan.chunksPerBatch).to.equal(1);
    expect(plan.batchCount).to.equal(3);
  });

  it('leave exactly the bytes a streaming decoder holds back for the end: one frame, and a signed file’s block', () => {
    const chunkSize = 4096;
    const frame = chunkSize + TAG_LENGTH;
    for (const block of [0, SIGNATURE_BLOCK_LENGTH]) {
      for (let length = 0; length <= 6 * frame; length += 7) {
        const before = chunksBeforeTail(length + block, chunkSize, block);
        const tail = length + block - before * frame;
        // The streaming decoder opens a frame while more than one frame (and the block) remains.
        expect(tail, `tail of ${length}`).to.be.at.most(frame + block);
        if (before > 0) expect(tail + frame, `one more frame fits for ${length}`).to.be.above(frame + block);
      }
    }
  });

  it('for a well-formed payload, every chunk but the final one opens before the tail', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 << 22 }), fc.boolean(), (plaintextLength, signed) => {
        const chunkSize = 4096;
        const block = signed ? SIGNATURE_BLOCK_LENGTH : 0;
        expect(chunksBeforeTail(payloadLength(plaintextLength, chunkSize) + block, chunkSize, block)).to.equal(chunkCount(plaintextLength, chunkSize) - 1);
      }),
    );
  });
});
