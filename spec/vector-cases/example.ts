/**
 * The worked example of spec/format.md §1.4: "Hey Bob" encrypted to alice and
 * bob with fixed randomness, every intermediate value, and the file annotated
 * byte by byte; and the same file armored, for §10. Each value is recomputed
 * from the spec's pseudo-code and checked against the bytes the library wrote,
 * so the text cannot drift.
 */
import { ARMOR_BEGIN, ARMOR_END, ARMOR_LINE_LENGTH, armorBytes, armoredSize, dearmorText } from '../../lib/armor/armor.js';
import { concatBytes, equalConstantTime, toHex, utf8 } from '../../lib/bytes.js';
import type { CryptoBackend } from '../../lib/crypto/index.js';
import { LABELS, hkdf } from '../../lib/crypto/kdf.js';
import { nodeBackend } from '../../lib/crypto/node.js';
import { PAYLOAD_NONCE_LENGTH } from '../../lib/format/header.js';
import { MAGIC } from '../../lib/format/prefix.js';
import { LOCKED_KEY_PREFIX, PUBLIC_KEY_PREFIX, decodeKeyText } from '../../lib/keys/key-text.js';
import { PrivateKey } from '../../lib/keys/keys.js';
import { importPrivateKey, lockPrivateKey } from '../../lib/keys/passphrase.js';
import { chunkNonce } from '../../lib/stream/frame.js';
import { C, type FixedFile, deriveEntry, encryptFixed, fixedBytes, fixedKey, splitFile } from './fixtures.js';

const ZERO_NONCE = new Uint8Array(12);
const BYTES_PER_LINE = 16;
const PASSPHRASE = 'correct horse battery staple';
const LOCK_WORK_FACTOR = 10;

function must(condition: boolean, what: string): void {
  if (!condition) throw new Error(`worked example: ${what} does not match the bytes the library wrote`);
}

/** An annotated hex dump: offset, up to 16 bytes per line, and what they are. */
class Dump {
  readonly #lines: string[] = [];
  #offset: number;

  constructor(startOffset: number) {
    this.#offset = startOffset;
  }

  add(bytes: Uint8Array, meaning: string): this {
    for (let start = 0; start < bytes.length; start += BYTES_PER_LINE) {
      const line = toHex(bytes.subarray(start, start + BYTES_PER_LINE));
      const note = start === 0 ? meaning : '';
      this.#lines.push(`${this.#offset.toString(16).padStart(4, '0')}  ${line.padEnd(2 * BYTES_PER_LINE)}  ${note}`.trimEnd());
      this.#offset += Math.min(BYTES_PER_LINE, bytes.length - start);
    }
    return this;
  }

  toString(): string {
    return this.#lines.join('\n');
  }
}

function row(name: string, value: string): string {
  return `${name.padEnd(36)} ${value}`;
}

function wrapped(hex: string, indent: number): string {
  return (hex.match(/.{1,64}/g) ?? ['']).join(`\n${' '.repeat(indent)}`);
}

/** A locked form of alice's key with a fixed salt, so the text is reproducible, checked against §2.2. */
async function lockedExample(alice: PrivateKey): Promise<{ text: string; salt: Uint8Array; wrapKey: Uint8Array }> {
  const salt = fixedBytes('example/lock-salt', 16);
  const fixedSalt: CryptoBackend = { ...nodeBackend, randomBytes: (length) => salt.slice(0, length) };
  const secret = alice.exportSecretBytes();
  const key = new PrivateKey(secret.subarray(0, 32), secret.subarray(32), fixedSalt);
  const text = await lockPrivateKey(key, PASSPHRASE, { workFactor: LOCK_WORK_FACTOR });
  const reopened = await importPrivateKey(text, { passphrase: PASSPHRASE });
  must(reopened.publicKey.equals(alice.publicKey), 'the locked key');
  const wrapKey = await nodeBackend.scrypt(utf8(PASSPHRASE.normalize('NFC')), concatBytes(LABELS.keyExport, salt), LOCK_WORK_FACTOR, 8, 1, 32);
  const body = decodeKeyText(nodeBackend, LOCKED_KEY_PREFIX, text, 1 + 16 + 80, 'locked key');
  const aad = concatBytes(utf8(LOCKED_KEY_PREFIX), Uint8Array.of(LOCK_WORK_FACTOR));
  const opened = nodeBackend.open(wrapKey, ZERO_NONCE, body.subarray(17), aad);
  must(body[0] === LOCK_WORK_FACTOR && opened !== undefined && equalConstantTime(opened, secret), 'the locked key body');
  return { text, salt, wrapKey };
}

const EXAMPLE_PLAINTEXT = 'Hey Bob';

/** The file of the worked example: "Hey Bob" to alice and bob, with fixed randomness. */
function encryptExample(alice: PrivateKey, bob: PrivateKey): Promise<FixedFile> {
  return encryptFixed({ name: 'example', recipients: [alice, bob], plaintext: utf8(EXAMPLE_PLAINTEXT), chunkSize: C });
}

/** The markdown of the worked example. */
export async function workedExample(): Promise<string> {
  const alice = fixedKey('alice');
  const bob = fixedKey('bob');
  const plaintext = utf8(EXAMPLE_PLAINTEXT);
  const fixed = await encryptExample(alice, bob);
  const { fileKey, ephemeralSecret, payloadNonce } = fixed.randomness;
  const parts = splitFile(fixed.file);
  const ephemeral = nodeBackend.createX25519(ephemeralSecret).publicKey;

  const recipients = [
    { name: 'alice', key: alice },
    { name: 'bob', key: bob },
  ].map((r) => {
    const derived = deriveEntry(r.key, ephemeral);
    const wrappedKey = nodeBackend.seal(derived.wrapKey, ZERO_NONCE, fileKey);
    return { ...r, ...derived, wrappedKey, entry: concatBytes(derived.tag, wrappedKey) };
  });
  const sorted = [...recipients].sort((a, b) => Buffer.compare(a.tag, b.tag));

  const macKey = hkdf(nodeBackend, fileKey, new Uint8Array(0), LABELS.headerMac, 32);
  const mac = nodeBackend.hmacSha256(macKey, concatBytes(parts.prefix, parts.header));
  const payloadKey = hkdf(nodeBackend, fileKey, payloadNonce, LABELS.payload, 32);
  const nonce = chunkNonce(0, true);
  const sealed = nodeBackend.seal(payloadKey, nonce, plaintext);

  const headerDump = new Dump(parts.prefix.length)
    .add(Uint8Array.of(0xa4), 'map(4): the header')
    .add(Uint8Array.of(0x01, 0x01), '1 => 1: suite 1 (§1.2)')
    .add(Uint8Array.of(0x02, 0x0c), '2 => 12: chunk exponent, C = 4096')
    .add(Uint8Array.of(0x03, 0x40 + PAYLOAD_NONCE_LENGTH), '3 => bytes(16): payload nonce')
    .add(payloadNonce, '')
    .add(Uint8Array.of(0x04, 0x81), '4 => array(1): stanzas')
    .add(Uint8Array.of(0x83, 0x01), 'array(3), type 1: the X25519 stanza')
    .add(Uint8Array.of(0x58, 0x20), 'bytes(32): ephemeral share E')
    .add(ephemeral, '')
    .add(Uint8Array.of(0x82), 'array(2): entries, sorted by tag');
  for (const r of sorted) headerDump.add(Uint8Array.of(0x58, 0x40), `bytes(64): ${r.name}'s entry`).add(r.tag, 'tag').add(r.wrappedKey, 'wrapped file key');
  const expectedHeader = concatBytes(
    Uint8Array.of(0xa4, 0x01, 0x01, 0x02, 0x0c, 0x03, 0x50), payloadNonce, Uint8Array.of(0x04, 0x81, 0x83, 0x01, 0x58, 0x20), ephemeral,
    Uint8Array.of(0x82), ...sorted.flatMap((r) => [Uint8Array.of(0x58, 0x40), r.entry]),
  );
  must(equalConstantTime(expectedHeader, parts.header), 'the header');
  must(equalConstantTime(mac, parts.mac), 'the header MAC');
  must(equalConstantTime(sealed, parts.payload), 'the payload');

  const prefixDump = new Dump(0)
    .add(MAGIC, 'magic "cardseal/v1\\n" (§3.1)')
    .add(parts.prefix.subarray(MAGIC.length), `header length L = ${parts.header.length}`);
  const tailDump = new Dump(parts.prefix.length + parts.header.length)
    .add(mac, 'header MAC (§6)')
    .add(sealed.subarray(0, plaintext.length), 'chunk 0 ciphertext (the final chunk, 7 bytes)')
    .add(sealed.subarray(plaintext.length), 'chunk 0 tag');

  const locked = await lockedExample(alice);
  const publicBody = concatBytes(alice.publicKey.x25519, alice.publicKey.ed25519);
  const checksum = nodeBackend.sha256(concatBytes(LABELS.keyChecksum, utf8(PUBLIC_KEY_PREFIX), publicBody)).subarray(0, 4);
  const secret = alice.exportSecretBytes();

  const lines = [
    'Inputs. The keys are those of the vectors in spec/vectors; every value is hex unless quoted.',
    '',
    '```',
    row('alice X25519 secret', toHex(secret.subarray(0, 32))),
    row('alice Ed25519 seed', toHex(secret.subarray(32))),
    row('alice X25519 public key R_alice', toHex(alice.publicKey.x25519)),
    row('alice Ed25519 public key', toHex(alice.publicKey.ed25519)),
    row('bob X25519 public key R_bob', toHex(bob.publicKey.x25519)),
    row('file key', toHex(fileKey)),
    row('ephemeral secret e', toHex(ephemeralSecret)),
    row('payload nonce', toHex(payloadNonce)),
    row('chunk size C', '4096 (chunk exponent 12)'),
    row('plaintext', `"Hey Bob" = ${toHex(plaintext)}`),
    '```',
    '',
    'Key text forms of alice (§2.1, §2.2). The locked form uses the passphrase',
    `"${PASSPHRASE}", work factor ${LOCK_WORK_FACTOR} and the salt below; a real export draws the salt at random.`,
    '',
    '```',
    row('public key checksum', toHex(checksum)),
    row('public key text', alice.publicKey.toString()),
    row('secret key text', alice.export()),
    row('locked key salt', toHex(locked.salt)),
    row('locked key wrap key (scrypt)', toHex(locked.wrapKey)),
    row('locked key text', locked.text),
    '```',
    '',
    'Derivations (§5.2, §6, §7.1, §7.2):',
    '',
    '```',
    row('E = X25519(e, 9)', toHex(ephemeral)),
    ...recipients.flatMap((r) => [
      `for ${r.name}:`,
      row('  shared = X25519(e, R)', toHex(r.shared)),
      row('  prk = HKDF-Extract(E ‖ R, shared)', toHex(r.prk)),
      row('  tag', toHex(r.tag)),
      row('  wrap key', toHex(r.wrapKey)),
      row('  wrapped file key', wrapped(toHex(r.wrappedKey), 37)),
    ]),
    row('header MAC key', toHex(macKey)),
    row('header MAC', toHex(mac)),
    row('payload key', toHex(payloadKey)),
    row('chunk 0 nonce (final)', toHex(nonce)),
    '```',
    '',
    `The file, ${fixed.file.length} bytes: offset, bytes, meaning. Entries appear in tag order, ${sorted.map((r) => r.name).join(' then ')}.`,
    '',
    '```',
    prefixDump.toString(),
    headerDump.toString(),
    tailDump.toString(),
    '```',
    '',
    'The header in CBOR diagnostic notation:',
    '',
    '```',
    `{1: 1, 2: 12, 3: h'${toHex(payloadNonce)}',`,
    ` 4: [[1, h'${toHex(ephemeral)}',`,
    ...sorted.map((r, i) => `       ${i === 0 ? '[' : ' '}h'${toHex(r.entry)}'${i === sorted.length - 1 ? ']]]}' : ','}`),
    '```',
  ];
  return lines.join('\n');
}

/**
 * The markdown of the armor example of spec/format.md §10: the worked
 * example's file armored, checked against the line rules of §10, its length
 * formula, and a round trip through the strict decoder.
 */
export async function armoredExample(): Promise<string> {
  const { file } = await encryptExample(fixedKey('alice'), fixedKey('bob'));
  const text = armorBytes(file);
  const lines = text.split('\n');
  const body = lines.slice(1, -2);
  must(lines[0] === ARMOR_BEGIN && lines.at(-2) === ARMOR_END && lines.at(-1) === '', 'the armor BEGIN and END lines');
  must(body.every((line, i) => line.length === ARMOR_LINE_LENGTH || i === body.length - 1), 'the armor line lengths');
  must(text.length === armoredSize(file.length), 'the armored length');
  must(equalConstantTime(dearmorText(text), file), 'the dearmored file');
  return [
    `The ${file.length}-byte file of the worked example (§1.4), armored: ${text.length} bytes, the last data line ${body.at(-1)!.length} characters.`,
    '',
    '```',
    text.trimEnd(),
    '```',
  ].join('\n');
}
