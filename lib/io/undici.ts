/**
 * undici, loaded on first use. Importing it costs about 20 MiB of memory and a
 * third of a second, which a program that only encrypts should not pay.
 */
type Undici = typeof import('undici');

let loading: Promise<Undici> | undefined;

/** The undici module, imported once. */
export function loadUndici(): Promise<Undici> {
  loading ??= import('undici');
  return loading;
}
