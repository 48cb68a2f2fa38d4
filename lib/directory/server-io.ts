/**
 * Reading requests and writing answers for the directory server
 * (spec/directory.md §5.3–§5.4): bodies are size-limited before and while they
 * are read, and every error goes out as JSON `{ code, message }`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { concatBytes } from '../bytes.js';
import { CardsealError, DirectoryError, type ErrorCode } from '../errors.js';
import { CBOR_TYPE, type ErrorBody, JSON_TYPE, STATUS_FOR_CODE } from './protocol.js';

/** A refusal of the request itself, with its HTTP status. */
export function requestError(statusCode: number, message: string): DirectoryError {
  return new DirectoryError('ERR_DIRECTORY_REQUEST', message, { statusCode });
}

/** The media type of a request, without parameters, lower case. */
export function mediaTypeOf(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * Reads the whole body, refusing it with 413 as soon as it exceeds `limit`
 * bytes (a declared Content-Length is checked before anything is read).
 * @throws DirectoryError ERR_DIRECTORY_REQUEST (400, 413)
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(requestError(413, `request body is larger than ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | undefined): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (error === undefined) resolve(concatBytes(...chunks));
      else reject(error);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) settle(requestError(413, `request body is larger than ${limit} bytes`));
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle(undefined));
    req.once('error', (error) => settle(requestError(400, `request body failed: ${error.message}`)));
    req.once('close', () => settle(requestError(400, 'the request closed before its body ended')));
  });
}

/**
 * Parses a JSON object body, refusing other media types and malformed JSON.
 * @throws DirectoryError ERR_DIRECTORY_REQUEST (400, 415)
 */
export function parseJsonObject(req: IncomingMessage, body: Uint8Array): Record<string, unknown> {
  if (mediaTypeOf(req) !== JSON_TYPE) throw requestError(415, `request body must be ${JSON_TYPE}`);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw requestError(400, 'request body is not valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw requestError(400, 'request body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Checks that `body` has the `required` fields and no others but `optional` ones.
 * @throws DirectoryError ERR_DIRECTORY_REQUEST (400)
 */
export function assertFields(body: Record<string, unknown>, required: string[], optional: string[] = []): void {
  for (const field of required) if (!(field in body)) throw requestError(400, `request body lacks "${field}"`);
  for (const field of Object.keys(body)) {
    if (!required.includes(field) && !optional.includes(field)) throw requestError(400, `request body has an unknown field "${field.slice(0, 32)}"`);
  }
}

const COMMON_HEADERS = { 'x-content-type-options': 'nosniff' };

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(statusCode, { ...COMMON_HEADERS, 'content-type': `${JSON_TYPE}; charset=utf-8`, 'content-length': bytes.length, ...headers });
  res.end(bytes);
}

/** Sends raw CBOR bytes. */
export function sendCbor(res: ServerResponse, bytes: Uint8Array, headers: Record<string, string>): void {
  res.writeHead(200, { ...COMMON_HEADERS, 'content-type': CBOR_TYPE, 'content-length': bytes.length, ...headers });
  res.end(bytes);
}

/** The status and body an error maps to. Unknown errors are a 500 that reveals nothing. */
export function describeError(error: unknown): { statusCode: number; body: ErrorBody } {
  if (error instanceof CardsealError) {
    const statusCode = (error instanceof DirectoryError ? error.statusCode : undefined) ?? STATUS_FOR_CODE[error.code] ?? 400;
    return { statusCode, body: { code: error.code, message: error.message } };
  }
  const code: ErrorCode = 'ERR_DIRECTORY_HTTP';
  return { statusCode: 500, body: { code, message: 'internal error' } };
}

/**
 * Sends an error answer, unless one was already sent. When the body was not
 * fully read the connection is closed after the answer, so unread bytes are
 * never parsed as a next request.
 */
export function sendError(res: ServerResponse, error: unknown, closeConnection: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const { statusCode, body } = describeError(error);
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  // node:http ends the socket after an answer marked close, discarding what is left of the body.
  if (closeConnection) headers.connection = 'close';
  if (statusCode === 401) headers['www-authenticate'] = 'Bearer';
  sendJson(res, statusCode, body, headers);
}
