import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lockDataDir } from '../../lib/directory/lock.js';
import { openLocalDirectory } from '../../lib/directory/local.js';

const localModule = fileURLToPath(new URL('../../lib/directory/local.js', import.meta.url));

/** A second process that opens the embedded directory, says so, and holds it for `holdMs`. */
function holdInChild(dataDir: string, holdMs: number): Promise<() => Promise<number | null>> {
  const script = `const { openLocalDirectory } = await import(${JSON.stringify(localModule)});
    const dir = await openLocalDirectory(${JSON.stringify(dataDir)});
    process.stdout.write('open\\n');
    setTimeout(() => dir.close(), ${holdMs});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(() => exited));
    child.once('error', reject);
  });
}

describe('the embedded directory lock', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cardseal-lock-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('makes a second process wait for the first to close, then opens', async () => {
    const waitForChild = await holdInChild(dataDir, 300);
    const started = Date.now();
    const directory = await openLocalDirectory(dataDir);
    const waited = Date.now() - started;
    await directory.close();
    expect(await waitForChild()).to.equal(0);
    expect(waited).to.be.greaterThan(100);
  });

  it('fails at once with ERR_DIRECTORY_STORAGE when asked not to wait', async () => {
    const waitForChild = await holdInChild(dataDir, 300);
    const error = await lockDataDir(dataDir, { waitMs: 0 }).catch((e: unknown) => e);
    expect(error).to.have.property('code', 'ERR_DIRECTORY_STORAGE');
    expect(await waitForChild()).to.equal(0);
  });

  it('takes over a lock whose owner is gone, as after kill -9', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.once('exit', resolve));
    await writeFile(join(dataDir, 'LOCK'), `${child.pid}\n`);
    const directory = await openLocalDirectory(dataDir);
    await directory.close();
  });
});
