/**
 * The versioned prefix that opens every text form: keys (spec/format.md §2.1)
 * and cards and revocations (spec/directory.md §2.5). A prefix ends in its
 * format version and `_`, as in `cardseal_card1_`; a text that carries the
 * same prefix with another version is told apart from a foreign text, so the
 * error can say which it is.
 */

/**
 * The body of `text` after `prefix`. Whitespace around the text is ignored;
 * the prefix must match exactly, in its case.
 * @throws the error `fail` makes of a message naming `what`: an unsupported
 *   version when only the version differs, else a missing prefix
 */
export function stripTextPrefix(text: string, prefix: string, what: string, fail: (message: string) => Error): string {
  const trimmed = text.trim();
  if (trimmed.startsWith(prefix)) return trimmed.slice(prefix.length);
  if (trimmed.startsWith(prefixFamily(prefix))) throw fail(`${what} has an unsupported version (expected ${prefix}…)`);
  throw fail(`${what} must start with ${prefix}`);
}

/** `prefix` without its version: `cardseal_card1_` → `cardseal_card`. Every version of a text form starts with it. */
export function prefixFamily(prefix: string): string {
  return prefix.replace(/\d+_$/, '');
}
