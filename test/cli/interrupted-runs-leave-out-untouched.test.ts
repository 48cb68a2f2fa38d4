/**
 * Atomic output under interruption. SIGINT and SIGTERM are handled: the
 * temporary file is removed and the process exits 1. SIGKILL cannot be
 * handled: the temporary file (.OUT.RANDOM.tmp) may remain, but OUT is still
 * absent, or unchanged when it existed, because only a completed run renames
 * the temporary file over it.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, makeTempDir, publicKeyOf, runCli, startCli } from './cli-fixtures.js';

/** Resolves once a temporary file for `name` holds data: the child is mid-stream. */
async function tempFileGrows(dir: string, name: string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const temp = readdirSync(dir).find((f) => f.startsWith(`.${name}.`) && f.endsWith('.tmp'));
    if (temp !== undefined && statSync(join(dir, temp)).size > 0) return temp;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no growing temporary file for ${name}`);
}

describe('cardseal output under interruption', () => {
  const temp = makeTempDir('cardseal-int-');
  const dir = temp.dir;
  let publicKey: string;
  const children: ChildProcess[] = [];
  before(async () => {
    publicKey = publicKeyOf(await runCli(['keygen', '-o', join(dir, 'key.txt')]));
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  after(() => temp.cleanup());

  /** Starts an encryption from a stdin that stays open, feeds it 3 MiB, and waits for the output to grow. */
  async function startStream(out: string): Promise<{ child: ChildProcess; done: ReturnType<typeof collect>; tempName: string }> {
    const child = startCli(['encrypt', '--to', publicKey, '-o', join(dir, out)]);
    children.push(child);
    const done = collect(child);
    child.stdin!.on('error', () => {});
    child.stdin!.write(Buffer.alloc(3 * 1024 * 1024, 0x61));
    const tempName = await tempFileGrows(dir, out);
    return { child, done, tempName };
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} mid-stream removes the temporary file, leaves no OUT, and exits 1`, async () => {
      const { child, done, tempName } = await startStream(`new-${signal}.cs`);
      child.kill(signal);
      const result = await done;
      expect(result.code).to.equal(1);
      expect(result.stderr).to.equal(`error: interrupted by ${signal}\n`);
      expect(existsSync(join(dir, tempName))).to.equal(false);
      expect(existsSync(join(dir, `new-${signal}.cs`))).to.equal(false);
    });
  }

  it('SIGINT mid-stream leaves an existing OUT byte for byte as it was', async () => {
    writeFileSync(join(dir, 'kept.cs'), 'the previous backup');
    const { child, done, tempName } = await startStream('kept.cs');
    child.kill('SIGINT');
    expect((await done).code).to.equal(1);
    expect(readFileSync(join(dir, 'kept.cs'), 'utf8')).to.equal('the previous backup');
    expect(existsSync(join(dir, tempName))).to.equal(false);
  });

  it('SIGKILL mid-stream may leave the temporary file, but never a partial OUT', async () => {
    writeFileSync(join(dir, 'killed-existing.cs'), 'the previous backup');
    const fresh = await startStream('killed-new.cs');
    const existing = await startStream('killed-existing.cs');
    fresh.child.kill('SIGKILL');
    existing.child.kill('SIGKILL');
    expect((await fresh.done).signal).to.equal('SIGKILL');
    expect((await existing.done).signal).to.equal('SIGKILL');
    expect(existsSync(join(dir, 'killed-new.cs'))).to.equal(false);
    expect(readFileSync(join(dir, 'killed-existing.cs'), 'utf8')).to.equal('the previous backup');
    // Documented limit: no process can clean up after SIGKILL; the temporary file is what remains.
    expect(existsSync(join(dir, fresh.tempName))).to.equal(true);
  });

  it('a run that completes replaces OUT with the whole result and leaves no temporary file', async () => {
    const child = startCli(['encrypt', '--to', publicKey, '-o', join(dir, 'kept.cs')]);
    children.push(child);
    const done = collect(child);
    child.stdin!.end(Buffer.alloc(1024 * 1024, 0x62));
    expect((await done).code).to.equal(0);
    const out = await runCli(['decrypt', '-i', join(dir, 'key.txt'), join(dir, 'kept.cs')]);
    expect(out.stdout.equals(Buffer.alloc(1024 * 1024, 0x62))).to.equal(true);
    expect(readdirSync(dir).filter((f) => f.startsWith('.kept.cs.'))).to.deep.equal([]);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} during a file-to-file run on worker threads removes the temporary file and leaves an existing OUT as it was`, async () => {
      // A sparse input: large enough to be caught mid-run, and it takes no disk space.
      const input = join(dir, `sparse-${signal}.bin`);
      writeFileSync(input, '');
      truncateSync(input, 8 * 1024 ** 3);
      writeFileSync(join(dir, `file-${signal}.cs`), 'the previous backup');
      const child = startCli(['encrypt', '--to', publicKey, '-o', join(dir, `file-${signal}.cs`), input]);
      children.push(child);
      const done = collect(child);
      const tempName = await tempFileGrows(dir, `file-${signal}.cs`);
      child.kill(signal);
      const result = await done;
      rmSync(input);
      expect(result.code).to.equal(1);
      expect(result.stderr).to.equal(`error: interrupted by ${signal}\n`);
      expect(existsSync(join(dir, tempName))).to.equal(false);
      expect(readFileSync(join(dir, `file-${signal}.cs`), 'utf8')).to.equal('the previous backup');
    });
  }
});
