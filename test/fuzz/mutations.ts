/**
 * Case generators shared by `npm run fuzz` and the mocha fuzz test: fast-check
 * arbitraries for edits at three levels (bytes, CBOR trees, key text) and the
 * functions that apply them. Every edit is plain data, so fast-check can shrink
 * a failing case and replay it from its seed.
 */
import fc from 'fast-check';
import { compareBytes, utf8 } from '../../lib/bytes.js';
import { type ArgumentWidth, type CborNode, listSlots, minimalWidth, writeTree } from './cbor-tree.js';

/** Initial bytes that mean something to a CBOR reader: width markers, indefinite, break, tags, simples, floats. */
const CBOR_INITIALS = [0x00, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1f, 0x20, 0x38, 0x3b, 0x40, 0x58, 0x5b, 0x5f, 0x60, 0x7b, 0x7f, 0x80, 0x98, 0x9b, 0x9f, 0xa0, 0xb8, 0xbb, 0xbf, 0xc0, 0xc2, 0xd8, 0xd9, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xff];

/** Counts and lengths an attacker would declare: off by one, at type boundaries, and enormous. */
const HOSTILE_COUNTS = [0n, 1n, 23n, 24n, 255n, 256n, 65_535n, 65_536n, 1_000_000_000n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

// ---------------------------------------------------------------- byte level

/** One edit of a byte array. `at` is reduced modulo the region it applies to. */
export type ByteEdit =
  | { op: 'flip'; at: number; bit: number; inEnvelope: boolean }
  | { op: 'set'; at: number; value: number; inEnvelope: boolean }
  | { op: 'insert'; at: number; data: Uint8Array; inEnvelope: boolean }
  | { op: 'delete'; at: number; length: number; inEnvelope: boolean }
  | { op: 'repeat'; at: number; length: number; inEnvelope: boolean }
  | { op: 'truncate'; at: number; inEnvelope: boolean }
  | { op: 'append'; data: Uint8Array };

const position = { at: fc.nat(), inEnvelope: fc.boolean() };

/** Arbitrary byte edits, biased towards bytes a parser reads (the envelope). */
export const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), bit: fc.integer({ min: 0, max: 7 }), ...position }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), value: fc.oneof(fc.constantFrom(...CBOR_INITIALS), fc.integer({ min: 0, max: 255 })), ...position }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), data: fc.uint8Array({ minLength: 1, maxLength: 16 }), ...position }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), length: fc.integer({ min: 1, max: 64 }), ...position }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('repeat' as const), length: fc.integer({ min: 1, max: 80 }), ...position }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), ...position }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('append' as const), data: fc.uint8Array({ minLength: 1, maxLength: 40 }) }) },
);

/** Applies `edits` in order to a copy of `bytes`; `envelopeLength` bounds the positions of edits aimed at the envelope. */
export function applyByteEdits(bytes: Uint8Array, edits: readonly ByteEdit[], envelopeLength: number): Uint8Array {
  let out = Array.from(bytes);
  for (const edit of edits) {
    if (edit.op === 'append') {
      out.push(...edit.data);
      continue;
    }
    const region = edit.inEnvelope ? Math.min(envelopeLength, out.length) : out.length;
    if (region === 0) continue;
    const at = edit.at % region;
    switch (edit.op) {
      case 'flip':
        out[at] = out[at]! ^ (1 << edit.bit);
        break;
      case 'set':
        out[at] = edit.value;
        break;
      case 'insert':
        out.splice(at, 0, ...edit.data);
        break;
      case 'delete':
        out.splice(at, edit.length);
        break;
      case 'repeat':
        out.splice(at, 0, ...out.slice(at, at + edit.length));
        break;
      case 'truncate':
        out = out.slice(0, at);
        break;
    }
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------- CBOR trees

function intNode(major: 0 | 1, argument: bigint): CborNode {
  return { kind: 'int', major, argument };
}

/** Arbitrary leaves: integers of every width, strings, simple values and floats. */
const leafArb: fc.Arbitrary<CborNode> = fc.oneof(
  fc.tuple(fc.constantFrom(0 as const, 1 as const), fc.oneof(fc.bigInt(0n, 30n), fc.constantFrom(...HOSTILE_COUNTS), fc.bigInt(0n, 2n ** 64n - 1n))).map(([major, argument]) => intNode(major, argument)),
  fc.uint8Array({ maxLength: 72 }).map((data): CborNode => ({ kind: 'bytes', data })),
  fc.string({ maxLength: 12, unit: 'binary' }).map((text): CborNode => ({ kind: 'text', data: utf8(text) })),
  fc.uint8Array({ minLength: 1, maxLength: 6 }).map((data): CborNode => ({ kind: 'text', data })),
  fc.constantFrom(0, 19, 20, 21, 22, 23, 24, 31, 32, 255).map((value): CborNode => ({ kind: 'simple', value })),
  fc.constantFrom(2, 4, 8).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })).map((payload): CborNode => ({ kind: 'float', payload })),
);

/** Arbitrary CBOR trees, nested a few levels, with some non-canonical encodings. */
const cborNodeArb: fc.Arbitrary<CborNode> = fc.letrec<{ node: CborNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('node'), { maxLength: 5 }).map((items): CborNode => ({ kind: 'array', items })),
    fc.array(fc.tuple(tie('node'), tie('node')), { maxLength: 4 }).map((entries): CborNode => ({ kind: 'map', entries })),
    fc.tuple(fc.constantFrom(0n, 2n, 24n, 55_799n, 2n ** 32n), tie('node')).map(([tag, item]): CborNode => ({ kind: 'tag', tag, item })),
  ),
})).node;

/** Canonical values of every accepted type, so a wrong type reaches the schema rather than the CBOR checker. */
const canonicalValueArb: fc.Arbitrary<CborNode> = fc.letrec<{ value: CborNode }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(fc.constantFrom(0 as const, 1 as const), fc.bigInt(0n, 2n ** 53n - 1n)).map(([major, argument]) => intNode(major, argument)),
    fc.uint8Array({ maxLength: 70 }).map((data): CborNode => ({ kind: 'bytes', data })),
    fc.string({ maxLength: 8 }).map((text): CborNode => ({ kind: 'text', data: utf8(text) })),
    fc.constantFrom(20, 21).map((value): CborNode => ({ kind: 'simple', value })),
    fc.array(tie('value'), { maxLength: 3 }).map((items): CborNode => ({ kind: 'array', items })),
  ),
})).value;

/** A node or, sometimes, a value of another type (or a non-canonical one) in its place. */
function sometimesWrong(right: fc.Arbitrary<CborNode>): fc.Arbitrary<CborNode> {
  return fc.oneof({ weight: 60, arbitrary: right }, { weight: 4, arbitrary: canonicalValueArb }, { weight: 1, arbitrary: cborNodeArb });
}

/** A node, or null one time in `freq` (fc.option skews towards null under its size bias). */
function sometimesMissing(node: fc.Arbitrary<CborNode>, freq: number): fc.Arbitrary<CborNode | null> {
  return fc.oneof({ weight: freq - 1, arbitrary: node }, { weight: 1, arbitrary: fc.constant(null) });
}

const bytesOf = (min: number, max: number): fc.Arbitrary<CborNode> => fc.uint8Array({ minLength: min, maxLength: max }).map((data): CborNode => ({ kind: 'bytes', data }));
const uintIn = (values: fc.Arbitrary<bigint>): fc.Arbitrary<CborNode> => values.map((argument) => intNode(0, argument));

const stanzaArb: fc.Arbitrary<CborNode> = fc
  .tuple(
    sometimesWrong(uintIn(fc.oneof({ weight: 6, arbitrary: fc.constant(1n) }, { weight: 1, arbitrary: fc.bigInt(0n, 5n) }))),
    sometimesWrong(fc.oneof({ weight: 9, arbitrary: bytesOf(32, 32) }, { weight: 1, arbitrary: bytesOf(0, 40) })),
    sometimesWrong(
      fc
        .tuple(fc.array(fc.oneof({ weight: 9, arbitrary: bytesOf(64, 64) }, bytesOf(0, 70)), { maxLength: 4 }), fc.integer({ min: 0, max: 7 }))
        // Entries sorted by tag as an encoder writes them (spec §5.2), except now and then.
        .map(([items, order]): CborNode => ({ kind: 'array', items: order === 0 ? items : [...items].sort((a, b) => compareBytes(writeTree(a), writeTree(b))) })),
    ),
    fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: canonicalValueArb }),
  )
  .map(([type, ephemeral, entries, extra]): CborNode => ({ kind: 'array', items: extra === null ? [type, ephemeral, entries] : [type, ephemeral, entries, extra] }));

/**
 * Header-shaped trees (spec/format.md §3.3): the known fields, each usually of
 * the right type with random content, sometimes missing, wrong or extra.
 */
export const headerTreeArb: fc.Arbitrary<CborNode> = fc
  .record({
    suite: sometimesMissing(sometimesWrong(uintIn(fc.oneof({ weight: 6, arbitrary: fc.constant(1n) }, { weight: 1, arbitrary: fc.bigInt(0n, 300n) }))), 30),
    exponent: sometimesMissing(
      sometimesWrong(uintIn(fc.oneof({ weight: 6, arbitrary: fc.bigInt(12n, 24n) }, { weight: 1, arbitrary: fc.constantFrom(0n, 11n, 25n, 64n, 255n, 2n ** 32n, 2n ** 53n - 1n) }))),
      30,
    ),
    nonce: sometimesMissing(sometimesWrong(fc.oneof({ weight: 20, arbitrary: bytesOf(16, 16) }, { weight: 1, arbitrary: bytesOf(0, 20) })), 30),
    stanzas: sometimesMissing(sometimesWrong(fc.array(stanzaArb, { minLength: 1, maxLength: 3 }).map((items): CborNode => ({ kind: 'array', items }))), 30),
    sender: sometimesMissing(sometimesWrong(uintIn(fc.oneof({ weight: 3, arbitrary: fc.constant(1n) }, { weight: 1, arbitrary: fc.bigInt(0n, 3n) }))), 2),
    // Extension fields (negative keys) are skipped by decoders; any other extra key is critical (spec §3.3).
    extra: fc.array(
      fc.tuple(
        fc.oneof(
          { weight: 6, arbitrary: fc.integer({ min: 0, max: 30 }).map((n) => intNode(1, BigInt(n))) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 }).map((n) => intNode(0, BigInt(n))) },
          { weight: 1, arbitrary: fc.string({ maxLength: 3 }).map((text): CborNode => ({ kind: 'text', data: utf8(text) })) },
        ),
        canonicalValueArb,
      ),
      { maxLength: 2, size: 'xsmall' },
    ),
    shuffle: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
  })
  .map((fields): CborNode => {
    const entries: [CborNode, CborNode][] = [];
    [fields.suite, fields.exponent, fields.nonce, fields.stanzas, fields.sender].forEach((value, i) => {
      if (value !== null) entries.push([intNode(0, BigInt(i + 1)), value]);
    });
    entries.push(...fields.extra);
    // Canonical key order unless shuffled (RFC 8949 §4.2.1: sorted by encoded key).
    if (fields.shuffle) entries.reverse();
    else entries.sort((a, b) => compareBytes(writeTree(a[0]), writeTree(b[0])));
    return { kind: 'map', entries };
  });

/** One structural edit of a CBOR tree. `at` picks a node in preorder; `arg` parameterises the edit. */
export interface TreeEdit {
  op: 'widen' | 'indefinite' | 'lie' | 'tag' | 'duplicate' | 'add-field' | 'swap' | 'remove' | 'replace' | 'nest' | 'resize' | 'retype' | 'float';
  at: number;
  arg: number;
  node: CborNode;
}

/** Arbitrary tree edits: the non-canonical re-encodings and schema attacks of issue 6. */
export const treeEditArb: fc.Arbitrary<TreeEdit> = fc.record({
  op: fc.constantFrom('widen', 'indefinite', 'lie', 'tag', 'duplicate', 'add-field', 'swap', 'remove', 'replace', 'nest', 'resize', 'retype', 'float'),
  at: fc.nat(),
  arg: fc.nat(),
  node: cborNodeArb,
});

const WIDTHS: readonly ArgumentWidth[] = [0, 1, 2, 4, 8];

function argumentOf(node: CborNode): bigint | undefined {
  switch (node.kind) {
    case 'int':
      return node.argument;
    case 'bytes':
    case 'text':
      return BigInt(node.data.length);
    case 'array':
      return BigInt(node.items.length);
    case 'map':
      return BigInt(node.entries.length);
    case 'tag':
      return node.tag;
    default:
      return undefined;
  }
}

/** Applies `edits` to `root` (mutated in place; pass a clone) and returns the new root. */
export function applyTreeEdits(root: CborNode, edits: readonly TreeEdit[]): CborNode {
  let tree = root;
  for (const edit of edits) {
    const slots = listSlots(tree, (next) => (tree = next));
    const slot = slots[edit.at % slots.length]!;
    const node = slot.node;
    const container = node.kind === 'array' || node.kind === 'map' ? node : slot.parent;
    // A copy, since later edits change nodes in place and the generated value must stay as generated.
    const extra = structuredClone(edit.node);
    switch (edit.op) {
      case 'widen': {
        const argument = argumentOf(node);
        if (argument === undefined) break;
        const wider = WIDTHS.filter((w) => w > minimalWidth(argument));
        if (wider.length > 0) node.width = wider[edit.arg % wider.length]!;
        break;
      }
      case 'indefinite':
        if (node.kind === 'array' || node.kind === 'map' || node.kind === 'bytes' || node.kind === 'text') node.indefinite = true;
        break;
      case 'lie': {
        const claim = HOSTILE_COUNTS[edit.arg % HOSTILE_COUNTS.length]!;
        if (node.kind === 'int') node.argument = claim;
        else if (argumentOf(node) !== undefined && node.kind !== 'tag') node.declared = edit.arg % 3 === 0 ? (argumentOf(node)! + 1n) : claim;
        break;
      }
      case 'tag':
        slot.replace({ kind: 'tag', tag: [0n, 2n, 24n, 55_799n, BigInt(edit.arg)][edit.arg % 5]!, item: node });
        break;
      case 'duplicate':
        if (container?.kind === 'map' && container.entries.length > 0) {
          const i = edit.arg % container.entries.length;
          container.entries.splice(i + 1, 0, structuredClone(container.entries[i]!));
        } else if (container?.kind === 'array' && container.items.length > 0) {
          const i = edit.arg % container.items.length;
          container.items.splice(i + 1, 0, structuredClone(container.items[i]!));
        }
        break;
      case 'add-field':
        if (container?.kind === 'map') {
          const keys: CborNode[] = [intNode(0, BigInt(edit.arg % 8)), intNode(1, BigInt(edit.arg % 4)), { kind: 'text', data: utf8('x') }, structuredClone(extra)];
          container.entries.splice(edit.arg % (container.entries.length + 1), 0, [keys[edit.arg % keys.length]!, extra]);
        } else if (container?.kind === 'array') {
          container.items.splice(edit.arg % (container.items.length + 1), 0, extra);
        }
        break;
      case 'swap':
        if (container?.kind === 'map' && container.entries.length > 1) {
          const i = edit.arg % (container.entries.length - 1);
          [container.entries[i], container.entries[i + 1]] = [container.entries[i + 1]!, container.entries[i]!];
        } else if (container?.kind === 'array' && container.items.length > 1) {
          const i = edit.arg % (container.items.length - 1);
          [container.items[i], container.items[i + 1]] = [container.items[i + 1]!, container.items[i]!];
        }
        break;
      case 'remove':
        if (container?.kind === 'map' && container.entries.length > 0) container.entries.splice(edit.arg % container.entries.length, 1);
        else if (container?.kind === 'array' && container.items.length > 0) container.items.splice(edit.arg % container.items.length, 1);
        break;
      case 'replace':
        slot.replace(extra);
        break;
      case 'nest': {
        let wrapped: CborNode = node;
        for (let depth = 1 + (edit.arg % 12); depth > 0; depth--) wrapped = { kind: 'array', items: [wrapped] };
        slot.replace(wrapped);
        break;
      }
      case 'resize':
        if (node.kind === 'bytes' || node.kind === 'text') {
          const data = node.data;
          const grow = edit.arg % 2 === 0;
          node.data = grow ? Uint8Array.from([...data, ...new Uint8Array(1 + (edit.arg % 40)).fill(edit.arg & 0xff)]) : data.slice(0, edit.arg % Math.max(1, data.length));
        }
        break;
      case 'retype':
        if (node.kind === 'int') node.major = node.major === 0 ? 1 : 0;
        else if (node.kind === 'bytes') slot.replace({ kind: 'text', data: node.data });
        else if (node.kind === 'text') slot.replace({ kind: 'bytes', data: node.data });
        else if (node.kind === 'array') slot.replace({ kind: 'map', entries: node.items.map((item): [CborNode, CborNode] => [item, item]) });
        else if (node.kind === 'map') slot.replace({ kind: 'array', items: node.entries.flat() });
        break;
      case 'float':
        if (node.kind === 'int') {
          const payload = new Uint8Array(8);
          new DataView(payload.buffer).setFloat64(0, Number(node.argument) * (node.major === 1 ? -1 : 1));
          slot.replace({ kind: 'float', payload: edit.arg % 2 === 0 ? payload : payload.subarray(0, 4) });
        }
        break;
    }
  }
  return tree;
}

// ---------------------------------------------------------------- key text

/** One edit of a key text. */
export interface TextEdit {
  op: 'replace' | 'insert' | 'delete' | 'swap-case' | 'truncate' | 'repeat' | 'newline';
  at: number;
  char: string;
}

/** Characters that matter to a key text parser: both cases of base32, padding, separators, lookalikes, and any code point. */
const KEY_CHARS = fc.oneof(
  fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567ABCDEFGHIJKLMNOPQRSTUVWXYZ018=_-# \t\r\n'.split('')),
  fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }),
);

/** Arbitrary key text edits. */
export const textEditArb: fc.Arbitrary<TextEdit> = fc.record({
  op: fc.constantFrom('replace', 'insert', 'delete', 'swap-case', 'truncate', 'repeat', 'newline'),
  at: fc.nat(),
  char: KEY_CHARS,
});

/** Applies `edits` to `text`. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of edits) {
    const at = out.length === 0 ? 0 : edit.at % out.length;
    switch (edit.op) {
      case 'replace':
        out = out.slice(0, at) + edit.char + out.slice(at + 1);
        break;
      case 'insert':
        out = out.slice(0, at) + edit.char + out.slice(at);
        break;
      case 'delete':
        out = out.slice(0, at) + out.slice(at + 1);
        break;
      case 'swap-case': {
        const c = out.charAt(at);
        out = out.slice(0, at) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + out.slice(at + 1);
        break;
      }
      case 'truncate':
        out = out.slice(0, at);
        break;
      case 'repeat':
        out = out + out.slice(at);
        break;
      case 'newline':
        out = `${out.slice(0, at)}\n# note\n${out.slice(at)}`;
        break;
    }
  }
  return out;
}
