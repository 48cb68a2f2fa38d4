import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createReadStream, lstatSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createAtomicFile } from '../../lib/io/atomic-file.js';
import { openAtomicTarget } from '../../lib/io/atomic-target.js';
import { scratchFolder } from '../scratch.js';
import { rejectionOf } from './http-fixtures.js';

/** Makes a character device that behaves as /dev/null at `path`, or returns undefined where that is not permitted. */
function makeNullDevice(path: string): string | undefined {
  try {
    execFileSync('mknod', [path, 'c', '1', '3'], { stdio: 'ignore' });
    return path;
  } catch {
    return undefined;
  }
}

describe('atomic output on links, devices and pipes', () => {
  const files = scratchFolder();

  it('follows a symbolic link: the file it names is replaced and the link stays a link', async () => {
    writeFileSync(files.path('real.txt'), 'old');
    symlinkSync('real.txt', files.path('link.txt'));
    await pipeline(Readable.from([Buffer.from('new')]), createAtomicFile(files.path('link.txt')));
    expect(lstatSync(files.path('link.txt')).isSymbolicLink()).to.equal(true);
    expect(readlinkSync(files.path('link.txt'))).to.equal('real.txt');
    expect(readFileSync(files.path('real.txt'), 'utf8')).to.equal('new');
    expect(files.entries()).to.deep.equal(['link.txt', 'real.txt']);
  });

  it('creates the file a dangling link points to', async () => {
    symlinkSync('made.txt', files.path('link.txt'));
    await pipeline(Readable.from([Buffer.from('made')]), createAtomicFile(files.path('link.txt')));
    expect(lstatSync(files.path('link.txt')).isSymbolicLink()).to.equal(true);
    expect(readFileSync(files.path('made.txt'), 'utf8')).to.equal('made');
  });

  it('writes a character device in place instead of renaming a file over it', async function () {
    const device = makeNullDevice(files.path('null'));
    if (device === undefined) this.skip();
    const file = createAtomicFile(device!);
    expect(file.tempPath).to.equal(undefined);
    await pipeline(Readable.from([Buffer.alloc(100_000, 7)]), file);
    expect(statSync(device!).isCharacterDevice()).to.equal(true);
    expect(files.entries()).to.deep.equal(['null']);
    expect(openAtomicTarget(device!).kind).to.equal('device');
  });

  it('writes a named pipe in place, opening it without blocking until its reader comes', async () => {
    const fifo = files.path('pipe');
    execFileSync('mkfifo', [fifo]);
    const file = createAtomicFile(fifo);
    // The writer is created before any reader exists: its open must not block this thread.
    const received: Buffer[] = [];
    const reading = pipeline(createReadStream(fifo), async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) received.push(chunk);
    });
    await pipeline(Readable.from([Buffer.from('through the pipe')]), file);
    await reading;
    expect(Buffer.concat(received).toString()).to.equal('through the pipe');
    expect(statSync(fifo).isFIFO()).to.equal(true);
  });

  it('refuses a folder with ERR_FILE', async () => {
    const error = await rejectionOf(pipeline(Readable.from([Buffer.from('x')]), createAtomicFile(files.path(''))));
    expect(error.code).to.equal('ERR_FILE');
    expect(error.message).to.equal(`cannot write ${files.path('')}: is a directory`);
  });

  it('refuses an existing device when overwrite is false', async function () {
    const device = makeNullDevice(files.path('null'));
    if (device === undefined) this.skip();
    expect(() => openAtomicTarget(device!, { overwrite: false })).to.throw().with.property('code', 'ERR_FILE');
  });
});
