/**
 * Turning undici failures and HTTP error answers into HttpError codes, so a
 * caller matches on `code` (ERR_HTTP_STATUS, ERR_HTTP_CONNECTION,
 * ERR_HTTP_LENGTH) and never on undici's own classes.
 *
 * Messages never quote the URL: a presigned URL's query string is a credential.
 */
import type { Dispatcher } from 'undici';
import { CardsealError, HttpError } from '../errors.js';

/** Bytes of an error answer read to find a short reason, such as S3's `<Code>`. */
const ERROR_BODY_LIMIT = 4096;

function errorCodeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for the errors that mean "the caller aborted": they pass through unchanged. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || errorCodeOf(error) === 'ABORT_ERR');
}

/** Maps a transport failure during `what` ("upload", "download") to an HttpError. */
export function toHttpError(error: unknown, what: string): Error {
  if (error instanceof CardsealError || isAbortError(error)) return error as Error;
  const code = errorCodeOf(error);
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') {
    return new HttpError('ERR_HTTP_LENGTH', `${what} body length differs from its content-length`, { cause: error });
  }
  const reason = code ?? (error instanceof Error ? error.message : String(error));
  return new HttpError('ERR_HTTP_CONNECTION', `${what} failed: connection error (${reason})`, { cause: error });
}

/**
 * Builds the error for a non-success answer, reading a little of its body for
 * a short machine reason (an S3 `<Code>` element) and discarding the rest.
 */
export async function statusError(response: Dispatcher.ResponseData, what: string): Promise<HttpError> {
  let reason = '';
  try {
    let text = '';
    for await (const part of response.body) {
      text += Buffer.from(part as Uint8Array).toString('utf8');
      if (text.length >= ERROR_BODY_LIMIT) break;
    }
    const code = /<Code>([A-Za-z]{1,64})<\/Code>/.exec(text)?.[1];
    if (code !== undefined) reason = ` (${code})`;
  } catch {
    // The answer is already an error; a broken error body adds nothing to it.
  } finally {
    response.body.destroy();
  }
  return new HttpError('ERR_HTTP_STATUS', `${what} failed: the server answered ${response.statusCode}${reason}`, { statusCode: response.statusCode });
}
