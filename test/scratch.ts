/**
 * A scratch folder for each test of a suite, removed after it: for tests
 * that write real files.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh scratch folder for each test of the suite that calls it; `path(name)` names a file in it. */
export function scratchFolder(): { path(name: string): string; entries(): string[] } {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cardseal-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return { path: (name) => join(dir, name), entries: () => readdirSync(dir).sort() };
}
