/**
 * Streaming release and holdFinalChunk (spec/format.md §9.5): chunks before
 * the last are released as they authenticate, before the signature is known;
 * the final chunk waits for the signature by default, so a reader that gets
 * the end of the plaintext, or 'end', has a verified file.
 *
 * The signer's card comes from the real local directory behind a gate the test
 * opens, so each step can be observed while the lookup is pending.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { concatBytes } from '../../lib/bytes.js';
import type { Card } from '../../lib/cards/card.js';
import type { CardDirectory } from '../../lib/directory/directory.js';
import { openLocalDirectory } from '../../lib/directory/local.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { openSignatureBlock, sealSignatureBlock } from '../../lib/signing/signature-block.js';
import { type DecryptOptions, DecryptStream } from '../../lib/stream/decrypt.js';
import { C, expectCode, expectSameBytes, patternBytes } from '../core/support.js';
import { encryptSigned, makeSender, openAsRecipient, signatureBlockOf, withoutBlock } from './support.js';

/** A directory whose answers wait until `open()`; `asked` resolves when the stream first looks a card up. */
function gatedDirectory(directory: CardDirectory): { get(id: string): Promise<Card>; asked: Promise<void>; open(): void } {
  let open!: () => void;
  let asked!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const askedPromise = new Promise<void>((resolve) => (asked = resolve));
  return {
    async get(id) {
      asked();
      await gate;
      return directory.get(id);
    },
    asked: askedPromise,
    open,
  };
}

/** Feeds `file` to a DecryptStream and records, in order, its output and events. */
function observe(file: Uint8Array, options: DecryptOptions & { verifyWith: NonNullable<DecryptOptions['verifyWith']> }, key = bob.privateKey) {
  const stream = new DecryptStream(key, options);
  const parts: Uint8Array[] = [];
  const events: string[] = [];
  stream.on('data', (part: Uint8Array) => {
    parts.push(part);
    events.push(`data ${part.length}`);
  });
  stream.on('signer', () => events.push('signer'));
  const done = new Promise<unknown>((resolve) => {
    stream.once('end', () => resolve(undefined));
    stream.once('error', resolve);
  });
  stream.end(file);
  return { stream, events, output: () => concatBytes(...parts), done };
}

const bob = generateKeyPair();

/** `file` with its signature block opened by a recipient and re-sealed around a signature with one bit flipped. */
function withBadSignature(file: Uint8Array): Uint8Array {
  const signatureKey = openAsRecipient(file, bob.privateKey).keys.signatureKey!;
  const content = openSignatureBlock(nodeBackend, signatureKey, signatureBlockOf(file));
  content.signature[0]! ^= 0x01;
  return concatBytes(withoutBlock(file), sealSignatureBlock(nodeBackend, signatureKey, content));
}

describe('the final chunk waits for the signature (holdFinalChunk, spec §9.5)', () => {
  const alice = makeSender('alice');
  const plaintext = patternBytes(3 * C + 7, 3);
  let dataDir: string;
  let directory: CardDirectory;
  let file: Uint8Array;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cardseal-hold-'));
    directory = await openLocalDirectory(dataDir);
    await directory.publish(alice.card);
    file = await encryptSigned(alice, [bob.publicKey], plaintext);
  });

  after(async () => {
    await directory.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('by default releases every chunk but the last, then on verification the signer, the last chunk and end', async () => {
    const gated = gatedDirectory(directory);
    const run = observe(file, { verifyWith: gated });
    await gated.asked;
    expectSameBytes(run.output(), plaintext.subarray(0, 3 * C), 'output while the signature is pending');
    gated.open();
    expect(await run.done).to.equal(undefined);
    expectSameBytes(run.output(), plaintext, 'output');
    expect(run.events.slice(-2)).to.deep.equal(['signer', 'data 7']);
    expect(run.stream.signer?.id).to.equal(alice.card.id);
  });

  it('with holdFinalChunk: false releases the last chunk too before the signature is known, but not end', async () => {
    const gated = gatedDirectory(directory);
    const run = observe(file, { verifyWith: gated, holdFinalChunk: false });
    let ended = false;
    run.stream.once('end', () => (ended = true));
    await gated.asked;
    expectSameBytes(run.output(), plaintext, 'output while the signature is pending');
    expect(ended).to.equal(false);
    gated.open();
    expect(await run.done).to.equal(undefined);
    expect(run.events.slice(-2)).to.deep.equal(['data 7', 'signer']);
  });

  it('never releases the final chunk of a file whose signature fails, and a piped writer never finishes', async () => {
    const forged = withBadSignature(file);
    const gated = gatedDirectory(directory);
    const run = observe(forged, { verifyWith: gated });
    await gated.asked;
    gated.open();
    expectCode(await run.done, 'ERR_SIGNATURE_INVALID');
    expectSameBytes(run.output(), plaintext.subarray(0, 3 * C), 'output of the forged file');
    expect(run.events).to.not.include('signer');

    let finished = false;
    const written: Uint8Array[] = [];
    const sink = new Writable({
      write(chunk: Uint8Array, _encoding, callback) {
        written.push(chunk);
        callback();
      },
      final(callback) {
        finished = true;
        callback();
      },
    });
    const stream = new DecryptStream(bob.privateKey, { verifyWith: [alice.card] });
    expectCode(await pipeline([forged], stream, sink).catch((e: unknown) => e), 'ERR_SIGNATURE_INVALID');
    expect(finished).to.equal(false);
    expect(concatBytes(...written).length).to.equal(3 * C);
  });
});
