/**
 * Behaviour at a terminal, under a real pseudo-terminal made by `script`:
 * the progress bar, refusing binary output, and the passphrase prompt.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, makeTempDir, publicKeyOf, runCli, runInTerminal } from './cli-fixtures.js';

describe('cardseal at a terminal', () => {
  const temp = makeTempDir('cardseal-tty-');
  const dir = temp.dir;
  const at = (name: string): string => join(dir, name);
  let publicKey: string;
  before(async () => {
    publicKey = publicKeyOf(await runCli(['keygen', '-o', at('key.txt')]));
    writeFileSync(at('large.bin'), randomBytes(12 * 1024 * 1024));
    writeFileSync(at('small.txt'), 'a short note\n');
  });
  after(() => temp.cleanup());

  it('draws a progress bar (bytes, percent, rate, ETA) on the terminal for a large input, and ends with the line cleared', async () => {
    const result = await runInTerminal(['encrypt', '--to', publicKey, '-o', at('large.cs'), at('large.bin')]);
    expect(result.code).to.equal(0);
    const shown = result.stdout.toString();
    expect(shown).to.match(/\r\[#{24}\] 100% 12\.0 MiB \/ 12\.0 MiB {2}[\d.]+ [KMG]?i?B\/s {2}ETA 0:00\x1b\[K/);
    expect(shown.endsWith('\r\x1b[K')).to.equal(true);
  });

  it('draws no bar with -q, under CI, for a small input, or when stderr is not a terminal', async () => {
    const [quiet, ci, small, piped] = await Promise.all([
      runInTerminal(['encrypt', '-q', '--to', publicKey, '-o', at('q.cs'), at('large.bin')]),
      runInTerminal(['encrypt', '--to', publicKey, '-o', at('ci.cs'), at('large.bin')], { env: cleanEnv({ CI: 'true' }) }),
      runInTerminal(['encrypt', '--to', publicKey, '-o', at('small.cs'), at('small.txt')]),
      runCli(['encrypt', '--to', publicKey, '-o', at('piped.cs'), at('large.bin')]),
    ]);
    for (const result of [quiet, ci, small]) {
      expect(result.code).to.equal(0);
      expect(result.stdout.toString()).to.equal('');
    }
    expect(piped.code).to.equal(0);
    expect(piped.stderr).to.equal('');
  });

  it('refuses to write binary ciphertext to the terminal, with a hint; armored text is fine', async () => {
    const [binary, armored] = await Promise.all([
      runInTerminal(['encrypt', '--to', publicKey, at('small.txt')]),
      runInTerminal(['encrypt', '-a', '--to', publicKey, at('small.txt')]),
    ]);
    expect(binary.code).to.equal(1);
    expect(binary.stdout.toString()).to.equal(
      'error: refusing to write binary output to a terminal\r\nhint: use -a for armored text output, or -o FILE to write a file\r\n',
    );
    expect(armored.code).to.equal(0);
    expect(armored.stdout.toString()).to.match(/^-----BEGIN CARDSEAL FILE-----\r\n[\s\S]*-----END CARDSEAL FILE-----\r\n$/);
  });

  it('prints text plaintext on the terminal but refuses binary plaintext', async () => {
    writeFileSync(at('binary.bin'), Buffer.from([0x00, 0x01, 0x02, 0x1b, 0x5b, 0x32, 0x4a]));
    await Promise.all([
      runCli(['encrypt', '--to', publicKey, '-o', at('text.cs'), at('small.txt')]),
      runCli(['encrypt', '--to', publicKey, '-o', at('binary.cs'), at('binary.bin')]),
    ]);
    const [text, binary] = await Promise.all([
      runInTerminal(['decrypt', '-i', at('key.txt'), at('text.cs')]),
      runInTerminal(['decrypt', '-i', at('key.txt'), at('binary.cs')]),
    ]);
    expect(text.code).to.equal(0);
    expect(text.stdout.toString()).to.equal('a short note\r\n');
    expect(binary.code).to.equal(1);
    expect(binary.stdout.toString()).to.equal(
      'error: refusing to write binary output to a terminal\r\nhint: the plaintext is binary: write it to a file with -o FILE, or pipe it\r\n',
    );
  });

  it('asks for a new passphrase twice on the terminal without echoing it, and the locked key opens with it', async function () {
    this.timeout(60_000);
    const made = await runInTerminal(['keygen', '-p', '-o', at('locked.key')], {
      answers: [
        ['passphrase for the new key: ', 'tty secret 1\r'],
        ['confirm passphrase: ', 'tty secret 1\r'],
      ],
    });
    expect(made.code, made.stdout.toString()).to.equal(0);
    const shown = made.stdout.toString();
    expect(shown).to.include('passphrase for the new key: ');
    expect(shown).not.to.include('tty secret');
    expect(readFileSync(at('locked.key'), 'utf8')).to.match(/^CARDSEAL_LOCKED1_/m);
    const encrypted = await runCli(['encrypt', '--to', publicKeyOf(made), '-o', at('locked.cs'), at('small.txt')]);
    expect(encrypted.code).to.equal(0);
    const opened = await runInTerminal(['decrypt', '-i', at('locked.key'), at('locked.cs')], {
      answers: [[`passphrase for ${at('locked.key')}: `, 'tty secret 1\r']],
    });
    expect(opened.code).to.equal(0);
    expect(opened.stdout.toString()).to.match(/a short note\r\n$/);
  });

  it('refuses two different passphrases', async () => {
    const result = await runInTerminal(['keygen', '-p', '-o', at('never.key')], {
      answers: [
        ['passphrase for the new key: ', 'one\r'],
        ['confirm passphrase: ', 'two\r'],
      ],
    });
    expect(result.code).to.equal(1);
    expect(result.stdout.toString()).to.include('error: the two passphrases do not match\r\n');
  });
});
