/**
 * The fuzz families: each turns generated edits into one hostile input, feeds
 * it to a real entry point, and checks the invariants of issue 6. A failure must
 * be a documented CardsealError; an altered file must never decrypt; the two
 * forms of decryption must agree; a stream may release only whole chunks of the
 * true plaintext. Breaking any of these throws CaseFailure.
 */
import fc from 'fast-check';
import { armorBytes } from '../../lib/armor/armor.js';
import { concatBytes, toHex, utf8 } from '../../lib/bytes.js';
import type { ErrorCode } from '../../lib/errors.js';
import { parseHeader } from '../../lib/format/header.js';
import { DEFAULT_MAX_RECIPIENTS } from '../../lib/format/limits.js';
import { encodePrefix } from '../../lib/format/prefix.js';
import { type PrivateKey, type PublicKey, parsePrivateKey, parsePublicKey } from '../../lib/keys/keys.js';
import { importPrivateKey, lockPrivateKey } from '../../lib/keys/passphrase.js';
import { type CborNode, cloneTree, readTree, writeTree } from './cbor-tree.js';
import { isPrefixOf } from '../core/support.js';
import { type SealedSample, derivePrivateKey, replaceHeader } from './corpus.js';
import { decryptInOneShot, decryptInPieces } from './decrypt-run.js';
import { expectCut } from './expectations.js';
import { type TreeEdit, applyByteEdits, applyTextEdits, applyTreeEdits, byteEditArb, headerTreeArb, textEditArb, treeEditArb } from './mutations.js';
import { CaseFailure, DECRYPT_CODES, HEADER_PARSE_CODES, KEY_TEXT_CODES, acceptFailure } from './outcome.js';

/** One generated case: the bytes it feeds (for the hang watchdog) and the check to run. */
export interface FuzzCase {
  input: Uint8Array;
  /** Runs the case; resolves to its outcome (`ok` or an error code), throws CaseFailure on a broken invariant. */
  run(): Promise<string>;
  [fc.toStringMethod](): string;
}

/** A family of cases and how many `npm run fuzz` runs. */
export interface FuzzFamily {
  name: string;
  runs: number;
  arbitrary: fc.Arbitrary<FuzzCase>;
}

const HEX_SHOWN = 160;

function makeCase(label: string, input: Uint8Array, run: () => Promise<string>): FuzzCase {
  const hex = toHex(input.subarray(0, HEX_SHOWN)) + (input.length > HEX_SHOWN ? `… (${input.length} bytes)` : '');
  return { input, run, [fc.toStringMethod]: () => `${label} ${hex}` };
}

/** Piece sizes for the streamed form: single bytes, odd sizes, and whole-input writes. */
const piecesArb = fc.array(fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5000 })), { minLength: 1, maxLength: 4 });

/** What is known of the plaintext a hostile input came from. */
interface Origin {
  plaintext: Uint8Array;
  chunkSize: number;
  /** True when the input may legitimately decrypt (a re-MACed header); it must then give the whole plaintext. */
  mayDecrypt: boolean;
  /**
   * True for armored input: when both the armor and the file in it are damaged,
   * how the input is cut decides which error comes first (spec §10), so the
   * two forms may differ as long as one of them is ERR_ARMOR_FORMAT.
   */
  armored?: boolean;
}

function outcomeOf(error: unknown): string {
  return error === undefined ? 'ok' : acceptFailure(error, DECRYPT_CODES);
}

/**
 * Decrypts `bytes` in one shot and in pieces and checks every decrypt
 * invariant. Returns the shared outcome.
 */
async function checkDecrypt(bytes: Uint8Array, key: PrivateKey, pieces: readonly number[], origin: Origin | undefined): Promise<string> {
  const oneShot = await decryptInOneShot(bytes, key);
  const streamed = await decryptInPieces(bytes, key, pieces);
  const outcome = outcomeOf(oneShot.error);
  const streamedOutcome = outcomeOf(streamed.error);
  const armorOrder = origin?.armored === true && [outcome, streamedOutcome].includes('ERR_ARMOR_FORMAT') && !(outcome === 'ok' || streamedOutcome === 'ok');
  if (outcome !== streamedOutcome && !armorOrder) throw new CaseFailure(`one-shot gave ${outcome} but the stream gave ${streamedOutcome}`);
  if (outcome === 'ok') {
    if (origin?.mayDecrypt !== true || !sameBytes(oneShot.released, origin.plaintext)) throw new CaseFailure('altered input decrypted (forgery)');
    if (!sameBytes(streamed.released, oneShot.released)) throw new CaseFailure('stream and one-shot decrypted to different plaintexts');
    return outcome;
  }
  if (oneShot.released.length !== 0) throw new CaseFailure('one-shot released bytes before failing');
  const released = streamed.released;
  if (released.length > 0) {
    if (origin === undefined || !isPrefixOf(released, origin.plaintext)) throw new CaseFailure(`stream released ${released.length} bytes that are not the true plaintext`);
    if (released.length % origin.chunkSize !== 0) throw new CaseFailure(`stream released ${released.length} bytes, not whole chunks`);
  }
  return outcome;
}

/** Parses header bytes directly; the cheapest route into the strict CBOR checker and the schema. */
function checkHeaderParse(header: Uint8Array): string {
  try {
    parseHeader(header, { maxRecipients: DEFAULT_MAX_RECIPIENTS });
    return 'ok';
  } catch (error) {
    return acceptFailure(error, HEADER_PARSE_CODES);
  }
}

/** Writes a copy of `tree` with `edits` applied: generated values stay untouched for shrinking. */
function writeEdited(tree: CborNode, edits: readonly TreeEdit[]): Uint8Array {
  return writeTree(applyTreeEdits(cloneTree(tree), edits));
}

function pick<T>(items: readonly T[]): fc.Arbitrary<T> {
  return fc.integer({ min: 0, max: items.length - 1 }).map((i) => items[i]!);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && isPrefixOf(a, b);
}

/** Key texts to mutate: public, secret, passphrase-locked, and a key file with comments. */
export interface KeyTexts {
  texts: string[];
  passphrase: string;
  publicKey: string;
}

/**
 * Builds the key texts once: locking costs an scrypt. The locked text alone
 * differs between runs (its salt is drawn fresh), so a replayed case on it
 * hits the same positions of different bytes.
 */
export async function createKeyTexts(): Promise<KeyTexts> {
  const key = derivePrivateKey('key-text');
  const passphrase = 'correct horse battery staple';
  const locked = await lockPrivateKey(key, passphrase, { workFactor: 10 });
  return {
    texts: [key.publicKey.toString(), key.export(), locked, `# created for the fuzz\n# public key: ${key.publicKey.toString()}\n${key.export()}\n`],
    passphrase,
    publicKey: key.publicKey.toString(),
  };
}

async function checkKeyText(text: string, keys: KeyTexts): Promise<string> {
  const outcomes: string[] = [];
  const attempts: (() => Promise<PublicKey>)[] = [
    async () => parsePublicKey(text),
    async () => parsePrivateKey(text).publicKey,
    async () => (await importPrivateKey(text, { passphrase: keys.passphrase })).publicKey,
  ];
  for (const attempt of attempts) {
    try {
      const publicKey = (await attempt()).toString();
      // Only an edit that keeps the key (whitespace, a comment line) may parse, and it must give the same key.
      if (publicKey !== keys.publicKey) throw new CaseFailure(`edited key text parsed to another key ${publicKey}`);
      outcomes.push('ok');
    } catch (error) {
      if (error instanceof CaseFailure) throw error;
      outcomes.push(acceptFailure(error, KEY_TEXT_CODES));
    }
  }
  return outcomes.join('/');
}

/** All families, scaled for `npm run fuzz` (110,000 cases in all). */
export function createFamilies(corpus: readonly SealedSample[], keyTexts: KeyTexts): FuzzFamily[] {
  const sampleArb = pick(corpus);
  const armored = corpus.map((sample) => ({ sample, text: armorBytes(sample.bytes) }));
  const anyKey = corpus[0]!.privateKey;
  return [
    {
      name: 'random bytes',
      runs: 15_000,
      arbitrary: fc.tuple(fc.uint8Array({ maxLength: 600 }), piecesArb).map(([bytes, pieces]) => makeCase('random', bytes, () => checkDecrypt(bytes, anyKey, pieces, undefined))),
    },
    {
      name: 'magic, a declared length, random bytes',
      runs: 15_000,
      arbitrary: fc
        .tuple(
          // A length that fits the bytes that follow (header then MAC) reaches the CBOR checker; the others test the prefix rules.
          fc.oneof(fc.constant('fit' as const), fc.integer({ min: 0, max: 700 }), fc.constantFrom(0xffffffff, 0x80000000, 1 << 20, (1 << 20) + 1, 8 << 20)),
          fc.uint8Array({ minLength: 33, maxLength: 700 }),
          piecesArb,
        )
        .map(([length, rest, pieces]) => {
          const bytes = concatBytes(encodePrefix(length === 'fit' ? rest.length - 32 : length), rest);
          return makeCase('magic+random', bytes, () => checkDecrypt(bytes, anyKey, pieces, undefined));
        }),
    },
    {
      name: 'header-shaped CBOR',
      runs: 15_000,
      arbitrary: fc.tuple(sampleArb, headerTreeArb, fc.array(treeEditArb, { maxLength: 1 }), piecesArb).map(([sample, tree, edits, pieces]) => {
        const header = writeEdited(tree, edits);
        const bytes = replaceHeader(sample, header, true);
        return makeCase(`header-shaped on ${sample.name}`, header, async () => {
          const parsed = checkHeaderParse(header);
          const decrypted = await checkDecrypt(bytes, sample.privateKey, pieces, { plaintext: sample.plaintext, chunkSize: sample.chunkSize, mayDecrypt: false });
          return `${parsed}/${decrypted}`;
        });
      }),
    },
    {
      name: 'byte edits of valid files',
      runs: 25_000,
      arbitrary: fc.tuple(sampleArb, fc.array(byteEditArb, { minLength: 1, maxLength: 4 }), piecesArb).map(([sample, edits, pieces]) => {
        const bytes = applyByteEdits(sample.bytes, edits, sample.envelopeLength);
        return makeCase(`byte edits of ${sample.name}`, bytes, async () => {
          if (sameBytes(bytes, sample.bytes)) return 'unchanged';
          return checkDecrypt(bytes, sample.privateKey, pieces, { plaintext: sample.plaintext, chunkSize: sample.chunkSize, mayDecrypt: false });
        });
      }),
    },
    {
      name: 'CBOR re-encodings of valid headers',
      runs: 15_000,
      arbitrary: fc.tuple(sampleArb, fc.array(treeEditArb, { minLength: 1, maxLength: 3 }), piecesArb).map(([sample, edits, pieces]) => {
        const header = writeEdited(readTree(sample.header), edits);
        return makeCase(`tree edits of ${sample.name}`, header, async () => {
          if (sameBytes(header, sample.header)) return 'unchanged';
          const parsed = checkHeaderParse(header);
          const origin = { plaintext: sample.plaintext, chunkSize: sample.chunkSize };
          // With the old MAC the header fails somewhere; re-MACed, it may reach the payload and even decrypt.
          const kept = await checkDecrypt(replaceHeader(sample, header, false), sample.privateKey, pieces, { ...origin, mayDecrypt: false });
          const remaced = await checkDecrypt(replaceHeader(sample, header, true), sample.privateKey, pieces, { ...origin, mayDecrypt: true });
          return `${parsed}/${kept}/${remaced}`;
        });
      }),
    },
    {
      name: 'truncations of valid files',
      runs: 5_000,
      // expectCut knows the rules for unsigned files; test/signing covers cuts of signed ones.
      arbitrary: fc.tuple(pick(corpus.filter((sample) => !sample.signed)), fc.nat(), fc.boolean(), piecesArb).map(([sample, at, inPayload, pieces]) => {
        const payloadLength = sample.bytes.length - sample.envelopeLength;
        const cut = inPayload ? sample.envelopeLength + (at % payloadLength) : at % sample.bytes.length;
        const bytes = sample.bytes.subarray(0, cut);
        return makeCase(`${sample.name} cut to ${cut}`, bytes, async () => {
          const outcome = await checkDecrypt(bytes, sample.privateKey, pieces, { plaintext: sample.plaintext, chunkSize: sample.chunkSize, mayDecrypt: false });
          const expected = expectCut(sample, cut);
          if (!expected.codes.includes(outcome as ErrorCode)) throw new CaseFailure(`cut at ${cut} gave ${outcome}, expected ${expected.codes.join(' or ')}`);
          const streamed = await decryptInPieces(bytes, sample.privateKey, pieces);
          if (streamed.released.length !== expected.releasedChunks * sample.chunkSize) {
            throw new CaseFailure(`cut at ${cut} released ${streamed.released.length} bytes, expected ${expected.releasedChunks} chunks`);
          }
          return outcome;
        });
      }),
    },
    {
      name: 'byte edits of valid headers',
      runs: 10_000,
      arbitrary: fc.tuple(sampleArb, fc.array(byteEditArb, { minLength: 1, maxLength: 4 })).map(([sample, edits]) => {
        const header = applyByteEdits(sample.header, edits, sample.header.length);
        return makeCase(`header byte edits of ${sample.name}`, header, async () => checkHeaderParse(header));
      }),
    },
    {
      name: 'edits of armored files',
      runs: 5_000,
      arbitrary: fc.tuple(pick(armored), fc.array(textEditArb, { minLength: 1, maxLength: 3 }), piecesArb).map(([{ sample, text }, edits, pieces]) => {
        const bytes = utf8(applyTextEdits(text, edits));
        // The armor has one form per file, so an edit fails, unless it only drops the optional final newline.
        return makeCase(`armor edits of ${sample.name}`, bytes, () => checkDecrypt(bytes, sample.privateKey, pieces, { plaintext: sample.plaintext, chunkSize: sample.chunkSize, mayDecrypt: true, armored: true }));
      }),
    },
    {
      name: 'key texts',
      runs: 5_000,
      arbitrary: fc
        .oneof(
          { weight: 4, arbitrary: fc.tuple(pick(keyTexts.texts), fc.array(textEditArb, { minLength: 1, maxLength: 3 })).map(([text, edits]) => applyTextEdits(text, edits)) },
          { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
        )
        .map((text) => makeCase('key text', utf8(text), () => checkKeyText(text, keyTexts))),
    },
  ];
}

