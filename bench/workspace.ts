/**
 * The scratch directory for file-based measurements: outside the repository,
 * holding the input file, a small file for round-trip checks, key directories
 * and ciphertexts. Removed at the end of the run, also after a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MiB, writeInputFile } from './data.js';

/** The length of the round-trip check file: a few chunks and a ragged tail. */
const SMALL_LENGTH = MiB + 13;

/** Paths of one run's scratch files. */
export interface Workspace {
  dir: string;
  /** The measured input file and its length. */
  input: string;
  inputBytes: number;
  /** A small random file every tool must round-trip before it is timed. */
  small: string;
}

/** Creates the scratch directory with an input of `inputBytes` repeating `pattern`. */
export async function createWorkspace(inputBytes: number, pattern: Uint8Array): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'cardseal-bench-'));
  const input = join(dir, 'input.bin');
  const small = join(dir, 'small.bin');
  await writeInputFile(input, inputBytes, pattern);
  await writeFile(small, randomBytes(SMALL_LENGTH));
  return { dir, input, inputBytes, small };
}

/** A fresh subdirectory of the workspace. */
export async function makeSubdirectory(workspace: Workspace, name: string): Promise<string> {
  const path = join(workspace.dir, name);
  await mkdir(path, { recursive: true });
  return path;
}

/** Removes the scratch directory and everything in it. */
export async function removeWorkspace(workspace: Workspace): Promise<void> {
  await rm(workspace.dir, { recursive: true, force: true });
}
