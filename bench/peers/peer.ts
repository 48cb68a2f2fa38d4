/**
 * What measurement 4 needs of a peer: keys for N recipients, and a way to
 * encrypt a file to all of them and decrypt it as the last one. A library
 * peer runs inside a bench worker process; a command peer is its own process.
 *
 * Adapters load their library lazily, so a worker process holds only the one
 * library it measures and its peak RSS is that library's.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The two operations every peer performs. */
export type Operation = 'encrypt' | 'decrypt';

interface PeerBase {
  /** A stable id, used on worker command lines and in file names. */
  readonly id: string;
  /** The name shown in tables. */
  readonly label: string;
  /** Algorithms and parameters in use, as the peer is configured here. */
  readonly suite: string;
  /** Recipient counts this peer is measured at; all of them when absent. */
  readonly recipientCounts?: readonly number[];
  /** Why the peer cannot run on this machine, or undefined when it can. */
  findMissing(): Promise<string | undefined>;
  /** The peer's version, for the table. */
  readVersion(): Promise<string>;
  /** Writes keys for `count` recipients into `dir`, and the identity of the last one. */
  createKeys(dir: string, count: number): Promise<void>;
}

/** A peer that is a library, run in-process by a bench worker. */
export interface LibraryPeer extends PeerBase {
  readonly kind: 'library';
  /** Runs `operation` from file `input` to file `output` with the keys in `dir`; returns the bytes written. */
  run(operation: Operation, dir: string, input: string, output: string): Promise<number>;
}

/** A peer that is a command-line program. */
export interface CommandPeer extends PeerBase {
  readonly kind: 'command';
  /** The command line that runs `operation` from file `input` to file `output`. */
  commandFor(operation: Operation, dir: string, input: string, output: string): { file: string; args: string[] };
}

/** Either kind of peer. */
export type Peer = LibraryPeer | CommandPeer;

/**
 * A file read stream with Node's defaults (64 KiB reads), as a caller writes
 * it. Every library peer reads and writes files the same way.
 */
export function openInput(path: string): Readable {
  return createReadStream(path);
}

/**
 * Streams `source` through `transforms` into file `output`, a write stream with
 * Node's defaults (16 KiB of buffering) unless `highWaterMark` is given;
 * returns the bytes written.
 */
export async function pipeToFile(source: Readable, transforms: NodeJS.ReadWriteStream[], output: string, highWaterMark?: number): Promise<number> {
  const sink = createWriteStream(output, highWaterMark === undefined ? {} : { highWaterMark });
  await pipeline([source, ...transforms, sink]);
  return sink.bytesWritten;
}

/** Undefined when `load` imports the peer's package; otherwise why the peer cannot run. */
export async function findMissingPackage(name: string, load: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await load();
    return undefined;
  } catch {
    return `the ${name} package is not installed`;
  }
}

/** The version of an installed package, or of cardseal itself when `name` is undefined. */
export async function readPackageVersion(name?: string): Promise<string> {
  // This module sits three folders below the repository root once built: <build>/bench/peers/.
  const path = name === undefined ? '../../../package.json' : `../../../node_modules/${name}/package.json`;
  return (JSON.parse(await readFile(new URL(path, import.meta.url), 'utf8')) as { version: string }).version;
}
