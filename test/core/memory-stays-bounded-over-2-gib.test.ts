/**
 * Memory stays bounded by a few chunks whatever the input size: a child Node
 * process pushes 2 GiB of generated data through encryptFor → decryptWith in
 * one pipeline (two-gib-pipeline.ts); its peak RSS stays under
 * 128 MiB, and every byte comes back intact.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const CHILD = fileURLToPath(new URL('./two-gib-pipeline.js', import.meta.url));
const MIB = 1 << 20;

interface ChildReport {
  produced: number;
  received: number;
  inputSha256: string;
  outputSha256: string;
  maxRssBytes: number;
  seconds: number;
}

describe('memory stays bounded over 2 GiB', () => {
  it('encrypts and decrypts 2 GiB in one pipeline under 128 MiB peak RSS, with every byte intact', async function () {
    this.timeout(120_000);
    // execFile kills the child if it overruns, so no process outlives the test.
    const { stdout } = await promisify(execFile)(process.execPath, [CHILD], { timeout: 110_000 });
    const report = JSON.parse(stdout) as ChildReport;
    expect(report.produced).to.equal(2 ** 31);
    expect(report.received).to.equal(report.produced);
    expect(report.outputSha256).to.equal(report.inputSha256);
    expect(report.maxRssBytes, `peak RSS ${(report.maxRssBytes / MIB).toFixed(1)} MiB in ${report.seconds.toFixed(1)} s`).to.be.below(128 * MIB);
  });
});
