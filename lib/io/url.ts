/**
 * The URLs upload and download accept: absolute http: or https: URLs.
 */

/** True when `text` names an http: or https: URL, the way the CLI tells a URL from a path. */
export function isHttpUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

/**
 * Parses `url` and checks its scheme.
 * @throws TypeError for a value that is not a URL; RangeError for a scheme other than http: or https:
 */
export function parseHttpUrl(url: string | URL): URL {
  if (typeof url !== 'string' && !(url instanceof URL)) throw new TypeError('url must be a string or a URL');
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new RangeError(`url must be http: or https:, got ${parsed.protocol}`);
  return parsed;
}
