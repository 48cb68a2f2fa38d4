import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RunResult, cleanEnv, makeTempDir, publicKeyOf, runCli } from './cli-fixtures.js';

function errorLines(result: RunResult): string[] {
  return result.stderr.split('\n').filter((l) => l.startsWith('error: ') || l.startsWith('hint: '));
}

describe('cardseal keygen, encrypt, decrypt, inspect', () => {
  const temp = makeTempDir('cardseal-cli-');
  const dir = temp.dir;
  const at = (name: string): string => join(dir, name);
  let alice: string;
  let bob: string;
  after(() => temp.cleanup());

  before(async () => {
    const [a, b] = await Promise.all([runCli(['keygen', '-o', at('alice.key')]), runCli(['keygen', '-o', at('bob.key')])]);
    alice = publicKeyOf(a);
    bob = publicKeyOf(b);
  });

  it('keygen -o writes a 0600 key file with its public key in a comment, prints the public key, and never overwrites', async () => {
    const text = readFileSync(at('alice.key'), 'utf8');
    expect(text).to.match(/^# created: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n# public key: cardseal_pub1_[a-z2-7]+\nCARDSEAL_SECRET1_[A-Z2-7]+\n$/);
    expect(text).to.include(alice);
    expect(statSync(at('alice.key')).mode & 0o777).to.equal(0o600);
    const again = await runCli(['keygen', '-o', at('alice.key')]);
    expect(again.code).to.equal(1);
    expect(errorLines(again)).to.deep.equal([`error: cannot write ${at('alice.key')}: already exists`, 'hint: keygen never replaces a key file; choose another name']);
    expect(readFileSync(at('alice.key'), 'utf8')).to.equal(text);
  });

  it('keygen without -o writes the key file to stdout and the public key to stderr', async () => {
    const result = await runCli(['keygen']);
    expect(result.code).to.equal(0);
    const publicKey = /^# public key: (\S+)$/m.exec(result.stdout.toString())![1];
    expect(result.stderr).to.equal(`public key: ${publicKey}\n`);
    expect(result.stdout.toString()).to.match(/^CARDSEAL_SECRET1_/m);
  });

  it('encrypts a file to two recipients, and each decrypts it; with two -i the matching one is used', async () => {
    const plaintext = randomBytes(300_000);
    writeFileSync(at('data.bin'), plaintext);
    const enc = await runCli(['encrypt', '--to', alice, '--to', bob, '-o', at('data.cs'), at('data.bin')]);
    expect(enc.code, enc.stderr).to.equal(0);
    expect(enc.stdout.length + enc.stderr.length).to.equal(0);
    const [forAlice, forBob] = await Promise.all([
      runCli(['decrypt', '-i', at('alice.key'), at('data.cs')]),
      runCli(['decrypt', '-i', at('alice.key'), '-i', at('bob.key'), '-o', at('data.out'), at('data.cs')]),
    ]);
    expect(forAlice.code, forAlice.stderr).to.equal(0);
    expect(forAlice.stdout.equals(plaintext)).to.equal(true);
    expect(forBob.code, forBob.stderr).to.equal(0);
    expect(readFileSync(at('data.out')).equals(plaintext)).to.equal(true);
  });

  it('round-trips a file large enough for workers: file to file, and to stdout through the stream', async () => {
    // Past 8 MiB the command starts the file engine's workers before it loads the rest of itself.
    const plaintext = randomBytes(9 * 1024 * 1024 + 4321);
    writeFileSync(at('big.bin'), plaintext);
    const enc = await runCli(['encrypt', '--to', bob, '-o', at('big.cs'), at('big.bin')]);
    expect(enc.code, enc.stderr).to.equal(0);
    const [toFile, toStdout] = await Promise.all([
      runCli(['decrypt', '-i', at('alice.key'), '-i', at('bob.key'), '-o', at('big.out'), at('big.cs')]),
      runCli(['decrypt', '-i', at('bob.key'), at('big.cs')]),
    ]);
    expect(toFile.code, toFile.stderr).to.equal(0);
    expect(readFileSync(at('big.out')).equals(plaintext)).to.equal(true);
    expect(toStdout.code, toStdout.stderr).to.equal(0);
    expect(toStdout.stdout.equals(plaintext)).to.equal(true);
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).to.deep.equal([]);
  });

  it('takes --threads for file-to-file jobs, from one thread up, and refuses a count that is not 1 to 64', async () => {
    const plaintext = randomBytes(2 * 1024 * 1024 + 99);
    writeFileSync(at('threads.bin'), plaintext);
    for (const threads of ['1', '3']) {
      const enc = await runCli(['encrypt', '--threads', threads, '--to', alice, '-o', at(`threads-${threads}.cs`), at('threads.bin')]);
      expect(enc.code, enc.stderr).to.equal(0);
      const dec = await runCli(['decrypt', '--threads', threads, '-i', at('alice.key'), '-o', at(`threads-${threads}.out`), at(`threads-${threads}.cs`)]);
      expect(dec.code, dec.stderr).to.equal(0);
      expect(readFileSync(at(`threads-${threads}.out`)).equals(plaintext), `--threads ${threads}`).to.equal(true);
    }
    for (const [bad, armor] of [['0', []], ['65', []], ['2.5', []], ['many', ['-a']]] as const) {
      const refused = await runCli(['encrypt', ...armor, '--threads', bad, '--to', alice, '-o', at('refused.cs'), at('threads.bin')]);
      expect(refused.code).to.equal(1);
      expect(errorLines(refused)).to.deep.equal([`error: invalid thread count ${JSON.stringify(bad)}`, 'hint: give a whole number of threads from 1 to 64, such as --threads 2']);
    }
    expect(readdirSync(dir)).not.to.include('refused.cs');
  });

  it('pipes stdin to stdout both ways, with armor detected on decrypt', async () => {
    const plaintext = randomBytes(100_000);
    const enc = await runCli(['encrypt', '-a', '--to', alice, '--chunk-size', '4K', '-'], { input: plaintext });
    expect(enc.code, enc.stderr).to.equal(0);
    const text = enc.stdout.toString('latin1');
    expect(text.startsWith('-----BEGIN CARDSEAL FILE-----\n')).to.equal(true);
    expect(text.endsWith('-----END CARDSEAL FILE-----\n')).to.equal(true);
    expect(text.split('\n').slice(1, -3).every((line) => line.length === 64)).to.equal(true);
    const dec = await runCli(['decrypt', '-i', at('alice.key'), '-o', '-'], { input: enc.stdout });
    expect(dec.code, dec.stderr).to.equal(0);
    expect(dec.stdout.equals(plaintext)).to.equal(true);
  });

  it('inspect reports the header without a key, for binary and armored input, as lines or JSON', async () => {
    writeFileSync(at('note.txt'), 'meet at noon\n');
    await runCli(['encrypt', '--to', alice, '--to', bob, '--to', alice, '--chunk-size', '16384', '-o', at('note.cs'), at('note.txt')]);
    await runCli(['encrypt', '-a', '--to', alice, '-o', at('note.asc'), at('note.txt')]);
    const [lines, json, armored] = await Promise.all([
      runCli(['inspect', at('note.cs')]),
      runCli(['inspect', '--json'], { input: readFileSync(at('note.cs')) }),
      runCli(['inspect', '--json', at('note.asc')]),
    ]);
    expect(lines.code, lines.stderr).to.equal(0);
    const size = statSync(at('note.cs')).size;
    expect(lines.stdout.toString()).to.match(
      new RegExp(`^version: 1\narmored: no\nsuite: 1 \\(X25519, HKDF-SHA-256, ChaCha20-Poly1305\\)\nchunk size: 16384\nrecipients: 2\nheader size: \\d+\nenvelope size: \\d+\nciphertext size: ${size}\npayload size: 13\nsigned: no\n$`),
    );
    const report = JSON.parse(json.stdout.toString()) as Record<string, unknown>;
    expect(report).to.include({ version: 1, armored: false, chunkSize: 16384, recipients: 2, ciphertextSize: size, payloadSize: 13, signed: false });
    expect((report.envelopeSize as number) - (report.headerSize as number)).to.equal(16 + 32);
    expect(JSON.parse(armored.stdout.toString())).to.include({ armored: true, recipients: 1, payloadSize: 13 });
  });

  it('a wrong key fails with ERR_NO_MATCH wording and a hint, exit 1, and leaves no output file', async () => {
    const carol = await runCli(['keygen', '-o', at('carol.key')]);
    expect(carol.code).to.equal(0);
    const result = await runCli(['decrypt', '-i', at('carol.key'), '-o', at('never.out'), at('note.cs')]);
    expect(result.code).to.equal(1);
    expect(errorLines(result)).to.deep.equal([
      'error: the file is not encrypted to the given key',
      'hint: the file was not encrypted to this key; pass the right key with -i (it can be repeated)',
    ]);
    expect(readdirSync(dir).filter((name) => name.includes('never'))).to.deep.equal([]);
  });

  it('tampered input leaves no new output and an existing output untouched', async () => {
    const plaintext = randomBytes(200_000);
    writeFileSync(at('t.bin'), plaintext);
    // 64 KiB chunks, so the file has several and a chunk boundary sits where the next test cuts.
    await runCli(['encrypt', '--to', alice, '--chunk-size', '64K', '-o', at('t.cs'), at('t.bin')]);
    const tampered = readFileSync(at('t.cs'));
    tampered[tampered.length - 5000]! ^= 0x01;
    writeFileSync(at('t-bad.cs'), tampered);
    writeFileSync(at('existing.out'), 'precious');
    const [fresh, existing] = await Promise.all([
      runCli(['decrypt', '-i', at('alice.key'), '-o', at('fresh.out'), at('t-bad.cs')]),
      runCli(['decrypt', '-i', at('alice.key'), '-o', at('existing.out'), at('t-bad.cs')]),
    ]);
    for (const result of [fresh, existing]) {
      expect(result.code).to.equal(1);
      expect(errorLines(result)).to.deep.equal(['error: chunk 2 failed authentication (altered, reordered, or cut inside the chunk)', 'hint: the file was altered or damaged after encryption']);
    }
    const left = readdirSync(dir);
    expect(left).not.to.include('fresh.out');
    expect(left.filter((name) => name.endsWith('.tmp'))).to.deep.equal([]);
    expect(readFileSync(at('existing.out'), 'utf8')).to.equal('precious');
  });

  it('reports a cut file, damaged armor, a bad key file and a missing input with their own errors', async () => {
    const full = readFileSync(at('t.cs'));
    // Cut at a chunk boundary: the last frame of 200,000 bytes in 64 KiB chunks is 3,392 + 16 bytes.
    writeFileSync(at('cut.cs'), full.subarray(0, full.length - 3408));
    const armor = readFileSync(at('note.asc'), 'latin1').replace(/\n([A-Za-z0-9+/]{10})./, '\n$1*');
    writeFileSync(at('bad.asc'), armor);
    writeFileSync(at('not-a-key.txt'), 'hello\n');
    const [cut, badArmor, badKey, missing] = await Promise.all([
      runCli(['decrypt', '-i', at('alice.key'), '-o', at('cut.out'), at('cut.cs')]),
      runCli(['decrypt', '-i', at('alice.key'), at('bad.asc')]),
      runCli(['decrypt', '-i', at('not-a-key.txt'), at('t.cs')]),
      runCli(['encrypt', '--to', alice, at('nope.bin')]),
    ]);
    expect(errorLines(cut)).to.deep.equal(['error: payload ended after chunk 2, which is not the final chunk', 'hint: the file is incomplete: was the copy or download cut short?']);
    expect(errorLines(badArmor)).to.deep.equal([
      'error: invalid armor: line 2 has a character outside the base64 alphabet at column 11',
      'hint: the armored text was altered or re-wrapped; copy it again whole',
    ]);
    expect(errorLines(badKey)[0]).to.match(/^error: .*not-a-key\.txt is not a private key file: /);
    expect(errorLines(missing)).to.deep.equal([`error: cannot read ${at('nope.bin')}: no such file or directory`]);
    for (const result of [cut, badArmor, badKey, missing]) expect(result.code).to.equal(1);
    expect(readdirSync(dir)).not.to.include('cut.out');
  });

  it('protects a key with a passphrase from CARDSEAL_PASSPHRASE or --passphrase-file, and refuses the wrong one', async function () {
    this.timeout(60_000);
    const env = cleanEnv({ CARDSEAL_PASSPHRASE: 'correct horse' });
    const made = await runCli(['keygen', '-p', '-o', at('locked.key')], { env });
    expect(made.code, made.stderr).to.equal(0);
    expect(readFileSync(at('locked.key'), 'utf8')).to.match(/^CARDSEAL_LOCKED1_/m);
    await runCli(['encrypt', '--to', publicKeyOf(made), '-o', at('locked.cs'), at('note.txt')]);
    writeFileSync(at('pass.txt'), 'correct horse\n');
    writeFileSync(at('wrong.txt'), 'battery staple\n');
    const [right, wrong] = await Promise.all([
      runCli(['decrypt', '-i', at('locked.key'), '--passphrase-file', at('pass.txt'), at('locked.cs')]),
      runCli(['decrypt', '-i', at('locked.key'), '--passphrase-file', at('wrong.txt'), at('locked.cs')]),
    ]);
    expect(right.code, right.stderr).to.equal(0);
    expect(right.stdout.toString()).to.equal('meet at noon\n');
    expect(wrong.code).to.equal(1);
    expect(errorLines(wrong)).to.deep.equal(['error: wrong passphrase for the locked private key', 'hint: check the passphrase (prompt, CARDSEAL_PASSPHRASE or --passphrase-file)']);
    const noSource = await runCli(['decrypt', '-i', at('locked.key'), at('locked.cs')]);
    expect(noSource.code).to.equal(1);
    expect(errorLines(noSource)).to.deep.equal(['error: no terminal to ask for a passphrase', 'hint: set CARDSEAL_PASSPHRASE or use --passphrase-file FILE']);
  });
});
