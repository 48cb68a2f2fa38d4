/**
 * Streaming download over undici: a Readable of one GET response body, for
 * `pipeline(download(url), decryptWith(key), out)`.
 *
 * The body is passed on as it arrives, with backpressure: the socket is paused
 * while the consumer is full. A body that stops short of its declared length
 * fails with ERR_HTTP_LENGTH, so a cut transfer is never mistaken for a whole
 * one (the decrypter would catch it too, but later and less clearly).
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { loadUndici } from './undici.js';
import { FileError, HttpError } from '../errors.js';
import { statusError, toHttpError } from './http-error.js';
import { parseHttpUrl } from './url.js';

/** Options for {@link download}. */
export interface DownloadOptions {
  /** Extra request headers, such as `authorization`. */
  headers?: Record<string, string>;
  /** Aborts the download; the stream is destroyed with an AbortError. */
  signal?: AbortSignal;
  /** undici dispatcher (a proxy or a custom Agent). Default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
}

/** The server's answer, known once the response headers arrive. */
export interface DownloadResponse {
  statusCode: number;
  /** The declared body length, when the server sent Content-Length. */
  contentLength: number | undefined;
  etag: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

function declaredLength(headers: Record<string, string | string[] | undefined>): number | undefined {
  const value = headers['content-length'];
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/** The downloading Readable. Create it with {@link download}. */
export class DownloadStream extends Readable {
  /** Settles with the response status and headers, or with the error that prevented them. */
  readonly response: Promise<DownloadResponse>;
  readonly #abort = new AbortController();
  #body: Dispatcher.ResponseData['body'] | undefined;
  #expected: number | undefined;
  #received = 0;
  #resolve!: (response: DownloadResponse) => void;
  #reject!: (error: Error) => void;

  constructor(url: string | URL, options: DownloadOptions = {}) {
    super(options.signal === undefined ? {} : { signal: options.signal });
    const target = parseHttpUrl(url);
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.response.catch(() => {});
    // Started here rather than in _construct so that destroy() aborts a request still connecting.
    loadUndici()
      .then(({ request }) =>
        request(target, {
          method: 'GET',
          headers: options.headers ?? {},
          signal: this.#abort.signal,
          ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
        }),
      )
      .then(
      (response) => this.#onAnswer(response),
      (error: unknown) => this.destroy(toHttpError(error, 'download')),
    );
  }

  override _read(): void {
    this.#body?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#abort.abort();
    this.#body?.destroy();
    this.#reject(error ?? new FileError('ERR_ABORTED', 'download was stopped before it completed'));
    callback(error);
  }

  #onAnswer(response: Dispatcher.ResponseData): void {
    if (this.destroyed) {
      response.body.destroy();
      return;
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      void statusError(response, 'download').then((error) => this.destroy(error));
      return;
    }
    const body = response.body;
    this.#body = body;
    this.#expected = declaredLength(response.headers);
    const answer: DownloadResponse = {
      statusCode: response.statusCode,
      contentLength: this.#expected,
      etag: typeof response.headers.etag === 'string' ? response.headers.etag : undefined,
      headers: response.headers,
    };
    this.#resolve(answer);
    this.emit('response', answer);
    body.on('data', (chunk: Buffer) => {
      this.#received += chunk.length;
      if (this.#expected !== undefined && this.#received > this.#expected) this.destroy(this.#lengthError());
      else if (!this.push(chunk)) body.pause();
    });
    body.once('end', () => {
      if (this.#expected !== undefined && this.#received !== this.#expected) this.destroy(this.#lengthError());
      else this.push(null);
    });
    body.once('error', (error: Error) => {
      const cut = this.#expected !== undefined && this.#received < this.#expected;
      this.destroy(cut ? this.#lengthError(error) : toHttpError(error, 'download'));
    });
  }

  #lengthError(cause?: Error): HttpError {
    const message =
      this.#received < this.#expected!
        ? `download ended after ${this.#received} of ${this.#expected} bytes`
        : `download body is longer than its content-length of ${this.#expected} bytes`;
    return new HttpError('ERR_HTTP_LENGTH', message, { cause });
  }
}

/**
 * A Readable of the body of a GET of `url`. A non-2xx answer fails the stream
 * before any byte is read; `response` (and the `response` event) give the
 * status and headers.
 * @throws TypeError or RangeError for a bad URL or scheme. Stream errors: HttpError ERR_HTTP_STATUS
 *   (with `statusCode`), ERR_HTTP_CONNECTION, ERR_HTTP_LENGTH; AbortError from `signal`
 */
export function download(url: string | URL, options: DownloadOptions = {}): DownloadStream {
  return new DownloadStream(url, options);
}
