/**
 * The card lifecycle through the CLI, against `cardseal directory serve`
 * running as a real process, and against the embedded local directory
 * chosen by $CARDSEAL_DIRECTORY.
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, collect, makeTempDir, runCli, startCli } from './cli-fixtures.js';

/** Resolves with the URL once the server prints its "listening on" line. */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('directory serve did not start')), 15_000);
    child.stdout!.on('data', (data: Buffer) => {
      text += data.toString();
      const match = /^listening on (http:\/\/\S+)\n/.exec(text);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
}

describe('cardseal card and directory', () => {
  const temp = makeTempDir('cardseal-cards-');
  const dir = temp.dir;
  const at = (name: string): string => join(dir, name);
  let server: ChildProcess;
  let serverDone: ReturnType<typeof collect>;
  let url: string;

  before(async () => {
    server = startCli(['directory', 'serve', '--data', at('directory-data'), '--port', '0']);
    const started = listeningUrl(server);
    serverDone = collect(server, 120_000);
    url = await started;
    await Promise.all([runCli(['keygen', '-o', at('alice.key')]), runCli(['keygen', '-o', at('alice-phone.key')]), runCli(['keygen', '-o', at('bob.key')])]);
  });
  after(async () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    await serverDone.catch(() => undefined);
    temp.cleanup();
  });

  it('creates, shows, publishes and finds cards; -r encrypts to every live card of an identity', async () => {
    const made = await Promise.all([
      runCli(['card', 'create', '-i', at('alice.key'), '--device', 'laptop', '-o', at('alice.card'), 'alice@example.com']),
      runCli(['card', 'create', '-i', at('alice-phone.key'), '--device', 'phone', '-o', at('alice-phone.card'), 'alice@example.com']),
    ]);
    for (const result of made) expect(result.code, result.stderr).to.equal(0);
    const laptopId = made[0]!.stdout.toString().trim();
    expect(laptopId).to.match(/^[0-9a-f]{64}$/);
    expect(readFileSync(at('alice.card'), 'utf8')).to.match(/^cardseal_card1_\S+\n$/);

    const shown = await runCli(['card', 'show', '--json', at('alice.card')]);
    expect(JSON.parse(shown.stdout.toString())).to.include({ id: laptopId, identity: 'alice@example.com', device: 'laptop' });

    const published = await runCli(['card', 'publish', '--directory', url, at('alice.card'), at('alice-phone.card')]);
    expect(published.code, published.stderr).to.equal(0);
    expect(published.stdout.toString()).to.equal(`published ${laptopId} for alice@example.com\npublished ${made[1]!.stdout.toString().trim()} for alice@example.com\n`);

    const found = await runCli(['card', 'find', '--directory', url, 'alice@example.com']);
    expect(found.code, found.stderr).to.equal(0);
    const rows = found.stdout.toString().trim().split('\n').map((line) => line.split('\t'));
    expect(rows.map((r) => r[2]).sort()).to.deep.equal(['laptop', 'phone']);

    writeFileSync(at('plan.txt'), 'the plan\n');
    const encrypted = await runCli(['encrypt', '--directory', url, '-r', 'alice@example.com', '-o', at('plan.cs'), at('plan.txt')]);
    expect(encrypted.code, encrypted.stderr).to.equal(0);
    const report = await runCli(['inspect', '--json', at('plan.cs')]);
    expect(JSON.parse(report.stdout.toString())).to.include({ recipients: 2 });
    const [laptop, phone] = await Promise.all([
      runCli(['decrypt', '-i', at('alice.key'), at('plan.cs')]),
      runCli(['decrypt', '-i', at('alice-phone.key'), at('plan.cs')]),
    ]);
    expect(laptop.stdout.toString()).to.equal('the plan\n');
    expect(phone.stdout.toString()).to.equal('the plan\n');

    const byId = await runCli(['card', 'show', '--directory', url, '--id', laptopId]);
    expect(byId.code, byId.stderr).to.equal(0);
    expect(byId.stdout.toString()).to.include('device: laptop\n');
  });

  it('after revoke, -r no longer reaches the revoked card, and an unknown identity is ERR_CARD_NOT_FOUND', async () => {
    const revoked = await runCli(['card', 'revoke', '--directory', url, '-i', at('alice-phone.key'), '--reason', 'lost phone', at('alice-phone.card')]);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect(revoked.stdout.toString()).to.match(/^revoked [0-9a-f]{64} for alice@example.com\n$/);
    const encrypted = await runCli(['encrypt', '--directory', url, '-r', 'alice@example.com', '-o', at('after.cs'), at('plan.txt')]);
    expect(encrypted.code, encrypted.stderr).to.equal(0);
    const [laptop, phone, nobody] = await Promise.all([
      runCli(['decrypt', '-i', at('alice.key'), at('after.cs')]),
      runCli(['decrypt', '-i', at('alice-phone.key'), at('after.cs')]),
      runCli(['encrypt', '--directory', url, '-r', 'nobody@example.com', at('plan.txt')]),
    ]);
    expect(laptop.code).to.equal(0);
    expect(phone.code).to.equal(1);
    expect(phone.stderr).to.match(/^error: the file is not encrypted to the given key\n/);
    expect(nobody.code).to.equal(1);
    expect(nobody.stderr).to.equal('error: no live card for "nobody@example.com" in the directory\nhint: check the identity, or publish a card with "cardseal card publish"\n');
  });

  it('uses the embedded local directory named by $CARDSEAL_DIRECTORY when no --directory is given', async () => {
    const env = cleanEnv({ CARDSEAL_DIRECTORY: at('local-directory') });
    const card = await runCli(['card', 'create', '-i', at('bob.key'), 'bob@example.com'], { env });
    expect(card.code, card.stderr).to.equal(0);
    const published = await runCli(['card', 'publish'], { env, input: card.stdout });
    expect(published.code, published.stderr).to.equal(0);
    const found = await runCli(['card', 'find', '--export', 'bob@example.com'], { env });
    expect(found.stdout.toString()).to.equal(card.stdout.toString());
    const encrypted = await runCli(['encrypt', '-r', 'bob@example.com', '-a', at('plan.txt')], { env });
    expect(encrypted.code, encrypted.stderr).to.equal(0);
    const decrypted = await runCli(['decrypt', '-i', at('bob.key')], { input: encrypted.stdout });
    expect(decrypted.stdout.toString()).to.equal('the plan\n');
  });

  it('refuses a card file whose signature was altered (ERR_CARD_SIGNATURE), writing nothing', async () => {
    const text = readFileSync(at('alice.card'), 'utf8').trim();
    const flipped = text.slice(0, -6) + (text.at(-6) === 'A' ? 'B' : 'A') + text.slice(-5);
    writeFileSync(at('tampered.card'), `${flipped}\n`);
    const result = await runCli(['encrypt', '-R', at('tampered.card'), at('plan.txt'), '-o', at('never.cs')]);
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^error: card [0-9a-f]{16} has an invalid self-signature\n$/);
    expect(existsSync(at('never.cs'))).to.equal(false);
  });

  it('directory serve stops on SIGTERM with exit 0', async () => {
    server.kill('SIGTERM');
    const result = await serverDone;
    expect(result.code).to.equal(0);
    expect(result.stdout.toString()).to.match(/^listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  });
});
