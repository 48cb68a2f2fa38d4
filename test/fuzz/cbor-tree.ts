/**
 * A small CBOR item model for building hostile headers (RFC 8949 §3).
 *
 * `readTree` turns a canonical encoding into a tree; `writeTree` writes a tree
 * back, honouring per-node deviations that no canonical encoder produces: wider
 * arguments than needed, indefinite lengths, declared lengths that lie, tags,
 * floats and simple values. The fuzz families mutate trees and write them out.
 */

/** Bytes of the argument after the initial byte: 0 means the argument sits in the initial byte. */
export type ArgumentWidth = 0 | 1 | 2 | 4 | 8;

/** Encoding choices that depart from the canonical form. */
export interface Deviation {
  /** Argument width to use instead of the shortest. */
  width?: ArgumentWidth;
  /** Length or count to declare instead of the true one. */
  declared?: bigint;
  /** Indefinite-length form (strings, arrays and maps). */
  indefinite?: boolean;
}

export type CborNode = Deviation &
  (
    | { kind: 'int'; major: 0 | 1; argument: bigint }
    | { kind: 'bytes' | 'text'; data: Uint8Array }
    | { kind: 'array'; items: CborNode[] }
    | { kind: 'map'; entries: [CborNode, CborNode][] }
    | { kind: 'tag'; tag: bigint; item: CborNode }
    | { kind: 'simple'; value: number }
    | { kind: 'float'; payload: Uint8Array }
  );

const MAX_UINT64 = 2n ** 64n - 1n;

/** The shortest argument width for `value`. */
export function minimalWidth(value: bigint): ArgumentWidth {
  return value < 24n ? 0 : value < 0x100n ? 1 : value < 0x10000n ? 2 : value < 0x100000000n ? 4 : 8;
}

function writeHead(out: number[], major: number, value: bigint, width: ArgumentWidth | undefined): void {
  const clamped = value > MAX_UINT64 ? MAX_UINT64 : value < 0n ? 0n : value;
  const minimal = minimalWidth(clamped);
  // A requested width narrower than the value needs is ignored: the value must survive.
  const chosen = width === undefined || width < minimal || (width === 0 && minimal !== 0) ? minimal : width;
  if (chosen === 0) {
    out.push((major << 5) | Number(clamped));
    return;
  }
  out.push((major << 5) | (chosen === 1 ? 24 : chosen === 2 ? 25 : chosen === 4 ? 26 : 27));
  for (let i = chosen - 1; i >= 0; i--) out.push(Number((clamped >> BigInt(8 * i)) & 0xffn));
}

function writeNode(out: number[], node: CborNode): void {
  switch (node.kind) {
    case 'int':
      writeHead(out, node.major, node.argument, node.width);
      return;
    case 'bytes':
    case 'text': {
      const major = node.kind === 'bytes' ? 2 : 3;
      if (node.indefinite === true) {
        // Two definite chunks inside an indefinite string (RFC 8949 §3.2.3).
        const half = node.data.length >> 1;
        out.push((major << 5) | 31);
        for (const piece of [node.data.subarray(0, half), node.data.subarray(half)]) {
          writeHead(out, major, BigInt(piece.length), undefined);
          out.push(...piece);
        }
        out.push(0xff);
        return;
      }
      writeHead(out, major, node.declared ?? BigInt(node.data.length), node.width);
      out.push(...node.data);
      return;
    }
    case 'array':
    case 'map': {
      const major = node.kind === 'array' ? 4 : 5;
      const count = node.kind === 'array' ? node.items.length : node.entries.length;
      if (node.indefinite === true) out.push((major << 5) | 31);
      else writeHead(out, major, node.declared ?? BigInt(count), node.width);
      if (node.kind === 'array') for (const item of node.items) writeNode(out, item);
      else
        for (const [key, value] of node.entries) {
          writeNode(out, key);
          writeNode(out, value);
        }
      if (node.indefinite === true) out.push(0xff);
      return;
    }
    case 'tag':
      writeHead(out, 6, node.tag, node.width);
      writeNode(out, node.item);
      return;
    case 'simple':
      if (node.value < 24) out.push(0xe0 | node.value);
      else out.push(0xf8, node.value & 0xff);
      return;
    case 'float':
      out.push(node.payload.length === 2 ? 0xf9 : node.payload.length === 4 ? 0xfa : 0xfb, ...node.payload);
      return;
  }
}

/** Writes `node` with its deviations. */
export function writeTree(node: CborNode): Uint8Array {
  const out: number[] = [];
  writeNode(out, node);
  return Uint8Array.from(out);
}

/**
 * Reads one canonical CBOR item (the kinds cardseal headers use) into a tree.
 * Only for trusted test inputs: it throws on anything else.
 */
export function readTree(bytes: Uint8Array): CborNode {
  let offset = 0;
  const readArgument = (info: number): bigint => {
    if (info < 24) return BigInt(info);
    const width = info === 24 ? 1 : info === 25 ? 2 : info === 26 ? 4 : 8;
    let value = 0n;
    for (let i = 0; i < width; i++) value = (value << 8n) | BigInt(bytes[offset++]!);
    return value;
  };
  const readItem = (): CborNode => {
    const initial = bytes[offset++];
    if (initial === undefined) throw new Error('readTree: truncated input');
    const major = initial >> 5;
    if (major === 7) return { kind: 'simple', value: initial & 0x1f };
    const argument = readArgument(initial & 0x1f);
    switch (major) {
      case 0:
      case 1:
        return { kind: 'int', major, argument };
      case 2:
      case 3: {
        const data = bytes.slice(offset, offset + Number(argument));
        offset += data.length;
        return { kind: major === 2 ? 'bytes' : 'text', data };
      }
      case 4:
        return { kind: 'array', items: Array.from({ length: Number(argument) }, readItem) };
      case 5:
        return { kind: 'map', entries: Array.from({ length: Number(argument) }, () => [readItem(), readItem()] as [CborNode, CborNode]) };
      default:
        return { kind: 'tag', tag: argument, item: readItem() };
    }
  };
  const tree = readItem();
  if (offset !== bytes.length) throw new Error('readTree: trailing bytes');
  return tree;
}

/** A deep copy of `node`, so a mutation never touches the corpus. */
export function cloneTree(node: CborNode): CborNode {
  return structuredClone(node);
}

/** A place in a tree that holds a node and can be given another. */
export interface Slot {
  node: CborNode;
  /** The innermost array or map holding this slot, if any. */
  parent: CborNode | undefined;
  replace(next: CborNode): void;
}

/** Every slot of the tree in preorder, the root first. `setRoot` receives a replaced root. */
export function listSlots(root: CborNode, setRoot: (next: CborNode) => void): Slot[] {
  const slots: Slot[] = [];
  const visit = (node: CborNode, parent: CborNode | undefined, replace: (next: CborNode) => void): void => {
    slots.push({ node, parent, replace });
    if (node.kind === 'array') {
      node.items.forEach((item, i) => visit(item, node, (next) => (node.items[i] = next)));
    } else if (node.kind === 'map') {
      node.entries.forEach((entry) => {
        visit(entry[0], node, (next) => (entry[0] = next));
        visit(entry[1], node, (next) => (entry[1] = next));
      });
    } else if (node.kind === 'tag') {
      visit(node.item, parent, (next) => (node.item = next));
    }
  };
  visit(root, undefined, setRoot);
  return slots;
}
