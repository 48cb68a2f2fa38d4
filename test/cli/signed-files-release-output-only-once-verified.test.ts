/**
 * `encrypt --sign` and `decrypt --from` as real processes, against the
 * embedded directory in a temporary $CARDSEAL_DIRECTORY: a signed file is
 * released only once its signature verifies against the named sender, and
 * every refusal exits 1 with its ERR_SIGNATURE_* code and leaves no output.
 *
 * The embedded directory admits one process at a time, so the commands that
 * use it run one after another; the others run in parallel.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ciphertextSize } from '../../lib/sizes.js';
import { type TestServer, readBody, startServer } from '../io/http-fixtures.js';
import { type RunResult, cleanEnv, makeTempDir, runCli } from './cli-fixtures.js';

/** With --chunk-size 64K (CHUNK_FLAGS): three full chunks and a short final one. */
const PLAINTEXT_LENGTH = 3 * 65_536 + 3_392;
const ALL_BUT_FINAL_CHUNK = 3 * 65_536;
const CHUNK_FLAGS = ['--chunk-size', '64K'];

function errorLines(result: RunResult): string[] {
  return result.stderr.split('\n').filter((l) => l.startsWith('error: ') || l.startsWith('hint: '));
}

describe('cardseal encrypt --sign and decrypt --from', function () {
  this.timeout(30_000);
  const temp = makeTempDir('cardseal-signed-');
  const at = (name: string): string => join(temp.dir, name);
  const env = cleanEnv({ CARDSEAL_DIRECTORY: at('directory') });
  const run = (args: string[], input?: Buffer): Promise<RunResult> => runCli(args, { env, ...(input === undefined ? {} : { input }) });
  const plaintext = randomBytes(PLAINTEXT_LENGTH);
  const cardIds = new Map<string, string>();
  let outputs = 0;

  /** A fresh empty folder for one run's output, so a leftover temporary file would show too. */
  function outputFolder(): string {
    const folder = at(`out-${++outputs}`);
    mkdirSync(folder);
    return folder;
  }

  async function expectOk(pending: Promise<RunResult>): Promise<RunResult> {
    const result = await pending;
    expect(result.code, result.stderr).to.equal(0);
    return result;
  }

  before(async () => {
    writeFileSync(at('data.bin'), plaintext);
    const people: [string, string, string[]][] = [
      ['alice', 'alice@example.com', ['--device', 'laptop']],
      ['alice-phone', 'alice@example.com', ['--device', 'phone']],
      ['bob', 'bob@example.com', []],
      ['mallory', 'mallory@example.com', []],
    ];
    await Promise.all(people.map(([name]) => expectOk(run(['keygen', '-o', at(`${name}.key`)]))));
    const created = await Promise.all(people.map(([name, identity, extra]) => expectOk(run(['card', 'create', '-i', at(`${name}.key`), ...extra, '-o', at(`${name}.card`), identity]))));
    people.forEach(([name], i) => cardIds.set(name, created[i]!.stdout.toString().trim()));
    await expectOk(run(['card', 'publish', ...people.map(([name]) => at(`${name}.card`))]));
    // Files that need no directory to make: to bob's card file, signed with a card file or not at all.
    await Promise.all([
      expectOk(run(['encrypt', ...CHUNK_FLAGS, '-R', at('bob.card'), '-o', at('unsigned.cs'), at('data.bin')])),
      expectOk(run(['encrypt', ...CHUNK_FLAGS, '--sign', '-i', at('alice-phone.key'), '--sender-card', at('alice-phone.card'), '-R', at('bob.card'), '-o', at('by-phone.cs'), at('data.bin')])),
      expectOk(run(['encrypt', ...CHUNK_FLAGS, '--sign', '-i', at('mallory.key'), '--sender-card', at('mallory.card'), '-R', at('bob.card'), '-o', at('by-mallory.cs'), at('data.bin')])),
    ]);
    await expectOk(run(['card', 'revoke', '-i', at('alice-phone.key'), '--reason', 'lost phone', at('alice-phone.card')]));
  });
  after(() => temp.cleanup());

  it('signs with the live directory card of --sender, and decrypt --from verifies it, writes the file and names the signer', async () => {
    await expectOk(run(['encrypt', '--sign', '-i', at('alice.key'), '--sender', 'alice@example.com', '-r', 'bob@example.com', '-o', at('signed.cs'), at('data.bin')]));
    const folder = outputFolder();
    const decrypted = await expectOk(run(['decrypt', '-i', at('bob.key'), '--from', 'alice@example.com', '-o', join(folder, 'data.out'), at('signed.cs')]));
    expect(readFileSync(join(folder, 'data.out')).equals(plaintext)).to.equal(true);
    expect(decrypted.stderr).to.equal(`signed by: alice@example.com (device laptop, card ${cardIds.get('alice')!.slice(0, 16)})\n`);
    expect(decrypted.stdout.length).to.equal(0);
    const [inspected, unchecked] = await Promise.all([run(['inspect', '--json', at('signed.cs')]), run(['decrypt', '-i', at('bob.key'), at('signed.cs')])]);
    expect(JSON.parse(inspected.stdout.toString())).to.include({ signed: true, payloadSize: PLAINTEXT_LENGTH, ciphertextSize: ciphertextSize(PLAINTEXT_LENGTH, { signed: true }) });
    // Without --from the signature is neither required nor checked, and nothing is claimed about the sender.
    expect(unchecked.code, unchecked.stderr).to.equal(0);
    expect(unchecked.stdout.equals(plaintext)).to.equal(true);
    expect(unchecked.stderr).to.equal('');
  });

  it('refuses an unsigned file with --from: exit 1, ERR_SIGNATURE_MISSING and a hint, no output file', async () => {
    const folder = outputFolder();
    const result = await run(['decrypt', '-i', at('bob.key'), '--from', 'alice@example.com', '-o', join(folder, 'data.out'), at('unsigned.cs')]);
    expect(result.code).to.equal(1);
    expect(errorLines(result)).to.deep.equal([
      'error: the file is not signed, but a sender signature is required (ERR_SIGNATURE_MISSING)',
      'hint: the file carries no sender signature; drop --from to read it unsigned, if you trust where it came from',
    ]);
    expect(readdirSync(folder)).to.deep.equal([]);
  });

  it('refuses a file signed by a card revoked since: exit 1, ERR_SIGNATURE_SIGNER_REVOKED, no output file', async () => {
    const folder = outputFolder();
    const result = await run(['decrypt', '-i', at('bob.key'), '--from', 'alice@example.com', '-o', join(folder, 'data.out'), at('by-phone.cs')]);
    expect(result.code).to.equal(1);
    expect(errorLines(result)[0]).to.equal(`error: the file is signed by card ${cardIds.get('alice-phone')!.slice(0, 16)}…, which has been revoked (ERR_SIGNATURE_SIGNER_REVOKED)`);
    expect(readdirSync(folder)).to.deep.equal([]);
  });

  it('refuses a file signed by someone other than --from, online and offline: exit 1, ERR_SIGNATURE_UNKNOWN_SIGNER, no output file', async () => {
    const folder = outputFolder();
    const online = await run(['decrypt', '-i', at('bob.key'), '--from', 'alice@example.com', '-o', join(folder, 'a.out'), at('by-mallory.cs')]);
    const offline = await run(['decrypt', '-i', at('bob.key'), '--from-card', at('alice.card'), '-o', join(folder, 'b.out'), at('by-mallory.cs')]);
    for (const result of [online, offline]) {
      expect(result.code).to.equal(1);
      expect(errorLines(result)).to.deep.equal([
        `error: the file is signed by card ${cardIds.get('mallory')!.slice(0, 16)}…, which is not an accepted sender (ERR_SIGNATURE_UNKNOWN_SIGNER)`,
        'hint: the signer is none of the --from identities (in this directory) or --from-card cards; check who sent the file',
      ]);
    }
    expect(readdirSync(folder)).to.deep.equal([]);
  });

  it('--from-card verifies offline, never opening a directory, and refuses an altered signature block with ERR_SIGNATURE_INVALID', async () => {
    const noDirectory = cleanEnv({ XDG_CONFIG_HOME: at('no-config') });
    const signed = readFileSync(at('by-mallory.cs'));
    signed[signed.length - 1]! ^= 0x01;
    writeFileSync(at('altered.cs'), signed);
    const folder = outputFolder();
    const [verified, altered] = await Promise.all([
      runCli(['decrypt', '-i', at('bob.key'), '--from-card', at('mallory.card'), '-o', join(folder, 'ok.out'), at('by-mallory.cs')], { env: noDirectory }),
      runCli(['decrypt', '-i', at('bob.key'), '--from-card', at('mallory.card'), '-o', join(folder, 'altered.out'), at('altered.cs')], { env: noDirectory }),
    ]);
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stderr).to.equal(`signed by: mallory@example.com (card ${cardIds.get('mallory')!.slice(0, 16)})\n`);
    expect(altered.code).to.equal(1);
    expect(errorLines(altered)[0]).to.equal('error: the signature block failed authentication (ERR_SIGNATURE_INVALID)');
    expect(readdirSync(folder)).to.deep.equal(['ok.out']);
    expect(readFileSync(join(folder, 'ok.out')).equals(plaintext)).to.equal(true);
    expect(existsSync(at('no-config'))).to.equal(false);
  });

  it('refuses stdout with --from unless --allow-unverified-stream, which still holds back the final chunk of a refused file', async () => {
    const card = ['-i', at('bob.key'), '--from-card', at('mallory.card')];
    const [refused, streamed, wrongSender] = await Promise.all([
      run(['decrypt', ...card, at('by-mallory.cs')]),
      run(['decrypt', ...card, '--allow-unverified-stream', at('by-mallory.cs')]),
      run(['decrypt', '-i', at('bob.key'), '--from-card', at('alice.card'), '--allow-unverified-stream', '-'], readFileSync(at('by-mallory.cs'))),
    ]);
    expect(refused.code).to.equal(1);
    expect(refused.stdout.length).to.equal(0);
    expect(errorLines(refused)).to.deep.equal([
      'error: with --from, plaintext goes only to -o FILE: stdout would receive it before the signature is checked',
      'hint: use -o FILE, which appears only once the signature verifies, or add --allow-unverified-stream to stream all but the final chunk before the check',
    ]);
    expect(streamed.code, streamed.stderr).to.equal(0);
    expect(streamed.stdout.equals(plaintext)).to.equal(true);
    expect(wrongSender.code).to.equal(1);
    expect(wrongSender.stderr).to.include('(ERR_SIGNATURE_UNKNOWN_SIGNER)');
    expect(wrongSender.stdout.equals(plaintext.subarray(0, ALL_BUT_FINAL_CHUNK))).to.equal(true);
  });

  it('encrypt --sign refuses a card of another key, a key with no live card, and missing or stray flags, writing nothing', async () => {
    const folder = outputFolder();
    const out = join(folder, 'never.cs');
    const base = ['-R', at('bob.card'), '-o', out, at('data.bin')];
    const [otherCard, missingCard, noCardFlag, noSign] = [
      await run(['encrypt', '--sign', '-i', at('alice.key'), '--sender-card', at('bob.card'), ...base]),
      await run(['encrypt', '--sign', '-i', at('alice-phone.key'), '--sender', 'alice@example.com', ...base]),
      await run(['encrypt', '--sign', '-i', at('alice.key'), ...base]),
      await run(['encrypt', '--sender-card', at('alice.card'), ...base]),
    ];
    expect(errorLines(otherCard)).to.deep.equal([
      `error: the card in ${at('bob.card')} is not the card of the key in ${at('alice.key')}: their public keys differ`,
      `hint: give the card made from this key ("cardseal card create -i ${at('alice.key')} …"), or the key file of that card`,
    ]);
    // The phone card is revoked, so alice's only live card carries other keys.
    expect(errorLines(missingCard)).to.deep.equal([
      `error: no live card of "alice@example.com" in the directory has the keys of ${at('alice-phone.key')}`,
      `hint: publish a card for this key ("cardseal card create -i ${at('alice-phone.key')} IDENTITY | cardseal card publish"), or give --sender-card CARD_FILE`,
    ]);
    expect(errorLines(noCardFlag)).to.deep.equal([
      'error: encrypt --sign needs the card to sign in the name of',
      'hint: give your card file with --sender-card CARD_FILE, or your identity with --sender IDENTITY to take your live card from the directory',
    ]);
    expect(errorLines(noSign)).to.deep.equal(['error: --sender-card is used only with --sign', 'hint: add --sign to sign the file as its sender']);
    for (const result of [otherCard, missingCard, noCardFlag, noSign]) expect(result.code).to.equal(1);
    expect(readdirSync(folder)).to.deep.equal([]);
  });

  it('a signed upload declares the exact Content-Length of ciphertextSize(size, { signed: true })', async () => {
    let received: { length: string | undefined; body: Buffer } | undefined;
    const server: TestServer = await startServer((req: IncomingMessage, res: ServerResponse) => {
      void readBody(req).then((body) => {
        received = { length: req.headers['content-length'], body };
        res.writeHead(200).end();
      });
    });
    try {
      await expectOk(run(['encrypt', '--sign', '-i', at('mallory.key'), '--sender-card', at('mallory.card'), '-R', at('bob.card'), '-o', `${server.url}/signed.cs`, at('data.bin')]));
    } finally {
      await server.close();
    }
    const expected = ciphertextSize(PLAINTEXT_LENGTH, { recipients: 1, signed: true });
    expect(received!.length).to.equal(String(expected));
    expect(received!.body.length).to.equal(expected);
    writeFileSync(at('uploaded.cs'), received!.body);
    const folder = outputFolder();
    await expectOk(run(['decrypt', '-i', at('bob.key'), '--from-card', at('mallory.card'), '-o', join(folder, 'data.out'), at('uploaded.cs')]));
    expect(readFileSync(join(folder, 'data.out')).equals(plaintext)).to.equal(true);
  });

  it('--help of encrypt and decrypt documents signing, verification and when output is released', async () => {
    const [encryptHelp, decryptHelp] = await Promise.all([run(['encrypt', '--help']), run(['decrypt', '--help'])]);
    const encryptText = encryptHelp.stdout.toString();
    const decryptText = decryptHelp.stdout.toString();
    expect(encryptText).to.include('--sign -i KEY_FILE (--sender-card CARD_FILE | --sender IDENTITY)');
    for (const flag of ['  --sign ', '  -i, --identity KEY_FILE ', '  --sender-card CARD_FILE ', '  --sender IDENTITY ', '  --passphrase-file FILE ']) expect(encryptText).to.include(flag);
    expect(decryptText).to.include('[--from IDENTITY]... [--from-card CARD_FILE]...');
    for (const flag of ['  --from IDENTITY (repeatable) ', '  --from-card CARD_FILE (repeatable) ', '  --allow-unverified-stream ', '  --directory URL ']) expect(decryptText).to.include(flag);
    expect(decryptText).to.include('"signed by: IDENTITY (device NAME, card ID)"');
    expect(decryptText).to.include('OUT must then be a file (-o FILE)');
    expect(decryptText).to.include('all but the final chunk is then written before the check');
  });
});
