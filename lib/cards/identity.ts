/**
 * The normal form of identity strings and other short card texts
 * (spec/directory.md §2.2).
 *
 * Two identities are the same exactly when their UTF-8 bytes are equal, so the
 * form must be unique: NFC, bounded length, and no character that renders
 * invisibly or moves text around (controls, format characters such as bidi
 * overrides and zero-width joiners, separators other than the plain space).
 * Case is significant: "Bob" and "bob" are different identities.
 */
import { utf8 } from '../bytes.js';

/** Bounds, in UTF-8 bytes, of each kind of card text (spec/directory.md §2.2). */
export const TEXT_LIMITS = {
  identity: 256,
  device: 128,
  signerName: 64,
  reason: 256,
} as const;

/** Which card text a string is, selecting its length bound. */
export type CardTextKind = keyof typeof TEXT_LIMITS;

// Cc controls, Cf format characters, Cs lone surrogates, Co private use, Zl/Zp separators.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;
// The only whitespace allowed is U+0020, and never at either end.
const OTHER_WHITESPACE = /[^\S ]/u;
const EDGE_WHITESPACE = /^\s|\s$/u;

/**
 * Why `text` is not a card text in normal form, or undefined when it is.
 * `text` must already be NFC: this checks, it does not normalise.
 */
export function findTextProblem(text: string, kind: CardTextKind): string | undefined {
  if (typeof text !== 'string') return 'must be a string';
  const bytes = utf8(text).length;
  if (bytes === 0) return 'must not be empty';
  if (bytes > TEXT_LIMITS[kind]) return `must be at most ${TEXT_LIMITS[kind]} UTF-8 bytes, got ${bytes}`;
  if (FORBIDDEN.test(text)) return 'must not contain control, format, private-use or separator characters';
  if (OTHER_WHITESPACE.test(text)) return 'must not contain whitespace other than a plain space';
  if (EDGE_WHITESPACE.test(text)) return 'must not start or end with a space';
  if (text.normalize('NFC') !== text) return 'must be in Unicode normalization form C';
  return undefined;
}

/**
 * Puts user input into the normal form of `kind` (NFC) and checks it.
 * Throws TypeError for a non-string and RangeError for text that has no normal form.
 */
export function normalizeCardText(text: string, kind: CardTextKind): string {
  if (typeof text !== 'string') throw new TypeError(`${kind} must be a string`);
  const normal = text.normalize('NFC');
  const problem = findTextProblem(normal, kind);
  if (problem !== undefined) throw new RangeError(`${kind} ${problem}`);
  return normal;
}

/**
 * Puts an identity ("bob", "bob@example.com") into its normal form.
 * Throws TypeError for a non-string and RangeError for an invalid identity.
 */
export function normalizeIdentity(identity: string): string {
  return normalizeCardText(identity, 'identity');
}

/** True when `identity`, after NFC, is a valid identity. */
export function isValidIdentity(identity: unknown): boolean {
  return typeof identity === 'string' && findTextProblem(identity.normalize('NFC'), 'identity') === undefined;
}
