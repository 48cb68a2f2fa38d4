/**
 * Writes the test vectors of spec/vectors/ (one JSON file per case, format in
 * spec/vectors/README.md), the index of that README, and the worked example of
 * spec/format.md §1.4 and its armored form in §10.
 *
 *   npm run vectors                          # build, then write into the repository
 *   node dist/spec/generate-vectors.js DIR   # write only the vectors, into DIR
 *
 * Every input is fixed, so a run on an unchanged tree rewrites identical bytes.
 * Each case is decrypted with the library before anything is written; if any
 * outcome differs from what the case expects, the run fails and writes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CardsealError } from '../lib/errors.js';
import { decrypt } from '../lib/oneshot.js';
import type { DecryptOptions } from '../lib/stream/decrypt.js';
import { armoredExample, workedExample } from './vector-cases/example.js';
import type { VectorCase, VectorLimits } from './vector-cases/fixtures.js';
import { headerCases } from './vector-cases/header.js';
import { payloadCases } from './vector-cases/payload.js';
import { recipientCases } from './vector-cases/recipients.js';
import { checkSigner, signedCases, signedDecryptOptions, signedVectorFields } from './vector-cases/signed.js';
import { successCases } from './vector-cases/success.js';

/** This file sits at <root>/spec/ in the sources and at <outDir>/spec/ when built: two levels up is the root either way. */
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VECTORS_DIR = join(REPO_ROOT, 'spec', 'vectors');
const FORMAT_MD = join(REPO_ROOT, 'spec', 'format.md');
const VECTORS_README = join(VECTORS_DIR, 'README.md');
const MIN_VECTORS = 40;

/** A vector as written to disk (spec/vectors/README.md); test/vectors.test.ts reads this shape. */
export interface VectorFile {
  name: string;
  description: string;
  expect: string;
  private_key: string;
  limits?: VectorLimits;
  /** Signed-file cases: the text forms of the cards the decoder accepts as senders (spec/format.md §9.5). */
  senders?: string[];
  /** With `senders`, on success: the id of the card the decoder must report as the signer. */
  signer?: string;
  file: string;
  plaintext_length?: number;
  plaintext_sha256?: string;
  plaintext?: string;
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

function optionsOf(limits: VectorLimits | undefined): DecryptOptions {
  return { maxHeaderBytes: limits?.max_header_bytes, maxRecipients: limits?.max_recipients };
}

/** What the library makes of a case: a problem to report, or undefined when it matches. */
async function checkCase(c: VectorCase): Promise<string | undefined> {
  let outcome: string;
  let plaintext: Uint8Array | undefined;
  try {
    plaintext = await decrypt(c.file, c.key, { ...optionsOf(c.limits), ...signedDecryptOptions(c) });
    outcome = 'success';
  } catch (error) {
    if (!(error instanceof CardsealError)) return `${c.name}: threw ${String(error)}`;
    outcome = error.code;
  }
  if (outcome !== c.expect) return `${c.name}: expected ${c.expect}, the library gives ${outcome}`;
  if (c.expect === 'success' && (c.plaintext === undefined || Buffer.compare(plaintext!, c.plaintext) !== 0)) {
    return `${c.name}: the decrypted plaintext differs from the plaintext encrypted`;
  }
  return c.expect === 'success' ? checkSigner(c) : undefined;
}

function toVectorFile(c: VectorCase): VectorFile {
  const vector: VectorFile = {
    name: c.name,
    description: c.description,
    expect: c.expect,
    private_key: c.key.export(),
    ...(c.limits === undefined ? {} : { limits: c.limits }),
    ...signedVectorFields(c),
    file: base64(c.file),
  };
  if (c.expect === 'success') {
    vector.plaintext_length = c.plaintext!.length;
    vector.plaintext_sha256 = sha256Hex(c.plaintext!);
  } else if (c.plaintext !== undefined) {
    vector.plaintext = base64(c.plaintext);
  }
  return vector;
}

async function collectCases(): Promise<VectorCase[]> {
  const cases = [
    ...(await successCases()),
    ...(await headerCases()),
    ...(await recipientCases()),
    ...(await payloadCases()),
    ...(await signedCases()),
  ];
  const names = new Set<string>();
  for (const c of cases) {
    if (!/^[a-z0-9-]+$/.test(c.name)) throw new Error(`vector name ${c.name} must be lowercase letters, digits and dashes`);
    if (names.has(c.name)) throw new Error(`two vectors are named ${c.name}`);
    names.add(c.name);
  }
  if (cases.length < MIN_VECTORS) throw new Error(`only ${cases.length} vectors, fewer than ${MIN_VECTORS}`);
  return cases;
}

function writeVectors(outDir: string, cases: VectorCase[]): void {
  mkdirSync(outDir, { recursive: true });
  // Drop vectors of earlier runs, so a renamed case leaves no stale file.
  for (const name of readdirSync(outDir)) if (name.endsWith('.json')) rmSync(join(outDir, name));
  for (const c of cases) writeFileSync(join(outDir, `${c.name}.json`), `${JSON.stringify(toVectorFile(c), null, 2)}\n`);
}

/** Replaces the text between the `<!-- begin generated NAME … -->` and `<!-- end generated NAME -->` lines of `path`. */
function replaceGenerated(path: string, name: string, markdown: string): void {
  const text = readFileSync(path, 'utf8');
  const beginMarker = `<!-- begin generated ${name}: npm run vectors -->`;
  const begin = text.indexOf(beginMarker);
  const end = text.indexOf(`<!-- end generated ${name} -->`);
  if (begin < 0 || end < begin) throw new Error(`${path} lacks the markers of the generated ${name}`);
  writeFileSync(path, `${text.slice(0, begin + beginMarker.length)}\n${markdown}\n${text.slice(end)}`);
}

function vectorIndex(cases: VectorCase[]): string {
  const rows = [...cases].sort((a, b) => (a.name < b.name ? -1 : 1)).map((c) => `| \`${c.name}\` | \`${c.expect}\` | ${c.description.replace(/\|/g, '\\|')} |`);
  return [`${cases.length} vectors.`, '', '| name | expect | description |', '|---|---|---|', ...rows].join('\n');
}

async function main(): Promise<void> {
  const outDir = process.argv[2] === undefined ? VECTORS_DIR : resolve(process.argv[2]);
  const cases = await collectCases();
  const problems = (await Promise.all(cases.map(checkCase))).filter((p) => p !== undefined);
  if (problems.length > 0) {
    console.error(`error: ${problems.length} vectors do not behave as expected; nothing was written`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exitCode = 1;
    return;
  }
  const example = await workedExample();
  const armored = await armoredExample();
  writeVectors(outDir, cases);
  // The documents describe the committed vectors: leave them alone when writing elsewhere.
  if (outDir === VECTORS_DIR) {
    replaceGenerated(FORMAT_MD, 'example', example);
    replaceGenerated(FORMAT_MD, 'armor example', armored);
    replaceGenerated(VECTORS_README, 'index', vectorIndex(cases));
  }
  const byOutcome = new Map<string, number>();
  for (const c of cases) byOutcome.set(c.expect, (byOutcome.get(c.expect) ?? 0) + 1);
  console.log(`wrote ${cases.length} vectors to ${outDir}`);
  for (const [outcome, count] of [...byOutcome].sort()) console.log(`  ${outcome.padEnd(28)} ${count}`);
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
