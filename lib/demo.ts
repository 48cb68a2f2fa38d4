/**
 * The quick-start demo (`npm run demo`): creates cards for three people and
 * four devices in an embedded card directory, encrypts a generated file to
 * "bob" and "carol" (every live card of each), decrypts it on every device,
 * then revokes a lost phone and shows that new files no longer reach it.
 * Everything lives in a temporary folder that is removed at the end.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { type Card, type CardDirectory, type KeyPair, ciphertextSize, createCard, decryptWith, encryptFor, generateKeyPair, openLocalDirectory } from './index.js';
import { createAtomicFile } from './io/atomic-file.js';

const FILE_BYTES = 64 * 1024 * 1024;

interface Device {
  owner: string;
  name: string;
  keys: KeyPair;
  card: Card;
}

function megabytesPerSecond(bytes: number, milliseconds: number): string {
  return `${(bytes / 1e6 / (milliseconds / 1000)).toFixed(0)} MB/s`;
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function enrol(directory: CardDirectory, owner: string, name: string): Promise<Device> {
  const keys = generateKeyPair();
  const card = createCard(keys, { identity: owner, device: name });
  await directory.publish(card);
  console.log(`  ${owner.padEnd(6)} ${name.padEnd(7)} card ${card.id.slice(0, 16)}…`);
  return { owner, name, keys, card };
}

async function encryptFile(source: string, target: string, cards: Card[]): Promise<number> {
  const started = performance.now();
  await pipeline(createReadStream(source, { highWaterMark: 1 << 20 }), encryptFor(cards), createAtomicFile(target));
  return performance.now() - started;
}

async function main(): Promise<void> {
  const workspace = await mkdtemp(join(tmpdir(), 'cardseal-demo-'));
  const directory = await openLocalDirectory(join(workspace, 'directory'));
  try {
    console.log(`cardseal demo in ${workspace}\n\n1. Cards published in the embedded directory:`);
    const devices = [
      await enrol(directory, 'alice', 'laptop'),
      await enrol(directory, 'bob', 'laptop'),
      await enrol(directory, 'bob', 'phone'),
      await enrol(directory, 'carol', 'desktop'),
    ];

    const plainPath = join(workspace, 'backup.tar');
    await writeFile(plainPath, randomBytes(FILE_BYTES));
    const plainHash = await sha256File(plainPath);
    const found = await directory.findMany(['bob', 'carol']);
    const cards = [...found.values()].flat();
    console.log(`\n2. find("bob") → ${found.get('bob')!.length} live cards, find("carol") → ${found.get('carol')!.length}; all verified locally.`);

    const cipherPath = join(workspace, 'backup.tar.cardseal');
    const encryptMs = await encryptFile(plainPath, cipherPath, cards);
    const cipherBytes = (await stat(cipherPath)).size;
    console.log(`\n3. Encrypted ${FILE_BYTES} bytes to ${cards.length} cards in ${encryptMs.toFixed(0)} ms (${megabytesPerSecond(FILE_BYTES, encryptMs)}, fsync included).`);
    console.log(`   ciphertext ${cipherBytes} bytes; predicted by ciphertextSize: ${ciphertextSize(FILE_BYTES, { recipients: cards.length })}`);

    console.log('\n4. Each device decrypts (output written atomically and fsynced, so the times include the disk):');
    for (const device of devices) {
      const outPath = join(workspace, `restored-${device.owner}-${device.name}`);
      const started = performance.now();
      try {
        await pipeline(createReadStream(cipherPath, { highWaterMark: 1 << 20 }), decryptWith(device.keys.privateKey), createAtomicFile(outPath));
        const ms = performance.now() - started;
        const same = (await sha256File(outPath)) === plainHash;
        console.log(`  ${device.owner.padEnd(6)} ${device.name.padEnd(7)} ok in ${ms.toFixed(0)} ms (${megabytesPerSecond(FILE_BYTES, ms)}), identical: ${same}`);
        if (!same) throw new Error('demo failed: decrypted bytes differ');
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== 'ERR_NO_MATCH') throw error;
        // The atomic output left nothing at outPath: no partial plaintext after a failure.
        console.log(`  ${device.owner.padEnd(6)} ${device.name.padEnd(7)} refused: ${code} (not a recipient, as intended)`);
      }
    }

    const phone = devices.find((d) => d.owner === 'bob' && d.name === 'phone')!;
    await directory.revoke(phone.card, phone.keys.privateKey, { reason: 'lost phone' });
    const bobNow = await directory.find('bob');
    console.log(`\n5. Bob's phone is revoked: find("bob") → ${bobNow.length} live card(s); new files no longer reach the phone.`);
    const secondPath = join(workspace, 'second.cardseal');
    await encryptFile(plainPath, secondPath, bobNow);
    const refused = await pipeline(createReadStream(secondPath), decryptWith(phone.keys.privateKey), createAtomicFile(join(workspace, 'phone-out'))).then(
      () => 'decrypted (unexpected)',
      (error: { code?: string }) => error.code,
    );
    console.log(`   the revoked phone on the new file: ${refused}`);
    if (refused !== 'ERR_NO_MATCH') throw new Error('demo failed: the revoked device could decrypt');
    console.log('\nDone.');
  } finally {
    await directory.close();
    await rm(workspace, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exitCode = 1;
});
