/**
 * Streaming upload over undici: a Writable that is the body of one HTTP
 * request, for `pipeline(source, encryptFor(keys), upload(url))`.
 *
 * With `contentLength` the request declares it and the stream refuses to send
 * a byte more or less (presigned S3 and Azure PUTs refuse chunked bodies;
 * lib/sizes.ts gives the exact ciphertext size in advance). Without it the
 * body goes out with chunked transfer encoding.
 *
 * Failure handling: a server that answers an error early, or drops the
 * connection, fails this stream, so `pipeline` destroys the source; destroying
 * this stream aborts the request, so an unfinished body never reaches its
 * terminating chunk and the server never sees it as complete.
 */
import { Readable, Writable, addAbortSignal } from 'node:stream';
import type { Dispatcher } from 'undici';
import { loadUndici } from './undici.js';
import { assertInteger } from '../bytes.js';
import { FileError, HttpError } from '../errors.js';
import { parseHttpUrl } from './url.js';
import { statusError, toHttpError } from './http-error.js';

/** Options for {@link upload}. */
export interface UploadOptions {
  /** HTTP method. Default `PUT`. */
  method?: string;
  /** Extra request headers, such as `content-type` or `x-amz-*` headers a presigned URL signs. */
  headers?: Record<string, string>;
  /** Exact body length in bytes. When absent the body is sent chunked. */
  contentLength?: number;
  /** Aborts the upload; the stream is destroyed with an AbortError. */
  signal?: AbortSignal;
  /** undici dispatcher (a proxy or a custom Agent). Default: undici's global dispatcher. */
  dispatcher?: Dispatcher;
}

/** The server's answer to a completed upload. */
export interface UploadResponse {
  statusCode: number;
  /** The ETag header, when the server sent one (S3 sends the quoted MD5). */
  etag: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

type Outcome = Dispatcher.ResponseData | Error;

/** The uploading Writable. Create it with {@link upload}. */
export class UploadStream extends Writable {
  /** Settles with the server's answer once the upload completes, or with the error that ended it. */
  readonly response: Promise<UploadResponse>;
  readonly #contentLength: number | undefined;
  readonly #abort = new AbortController();
  readonly #body: Readable;
  #written = 0;
  #ended = false;
  /** The write callback held back until undici asks for more body: backpressure from the socket. */
  #waitingWrite: (() => void) | undefined;
  #finalCallback: ((error?: Error | null) => void) | undefined;
  #answer: UploadResponse | undefined;
  #resolve!: (response: UploadResponse) => void;
  #reject!: (error: Error) => void;

  constructor(url: string | URL, options: UploadOptions = {}) {
    super();
    const target = parseHttpUrl(url);
    if (options.contentLength !== undefined) assertInteger(options.contentLength, 'contentLength', 0, Number.MAX_SAFE_INTEGER);
    this.#contentLength = options.contentLength;
    this.response = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // A caller that only uses pipeline() may never look at `response`.
    this.response.catch(() => {});
    this.#body = new Readable({ read: () => this.#releaseWrite() });
    const headers: Record<string, string> = { ...options.headers };
    if (this.#contentLength !== undefined) headers['content-length'] = String(this.#contentLength);
    loadUndici()
      .then(({ request }) =>
        request(target, {
          method: (options.method ?? 'PUT') as Dispatcher.HttpMethod,
          headers,
          body: this.#body,
          signal: this.#abort.signal,
          ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
        }),
      )
      .then(
      (response) => this.#onAnswer(response),
      (error: unknown) => this.#onAnswer(toHttpError(error, 'upload')),
    );
    if (options.signal !== undefined) addAbortSignal(options.signal, this);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#written += chunk.length;
    if (this.#contentLength !== undefined && this.#written > this.#contentLength) {
      callback(new HttpError('ERR_HTTP_LENGTH', `upload body is longer than its content-length of ${this.#contentLength} bytes`));
      return;
    }
    if (this.#body.push(chunk)) callback();
    else this.#waitingWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#contentLength !== undefined && this.#written !== this.#contentLength) {
      callback(new HttpError('ERR_HTTP_LENGTH', `upload body is ${this.#written} bytes but its content-length is ${this.#contentLength}`));
      return;
    }
    this.#ended = true;
    this.#finalCallback = callback;
    this.#body.push(null);
    if (this.#answer !== undefined) this.#complete();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#waitingWrite = undefined;
    if (this.#answer === undefined) {
      this.#abort.abort();
      this.#body.destroy();
      this.#reject(error ?? new FileError('ERR_ABORTED', 'upload was stopped before it completed'));
    }
    callback(error);
  }

  #releaseWrite(): void {
    const callback = this.#waitingWrite;
    this.#waitingWrite = undefined;
    callback?.();
  }

  #onAnswer(outcome: Outcome): void {
    if (this.destroyed) {
      if (!(outcome instanceof Error)) outcome.body.destroy();
      return;
    }
    if (outcome instanceof Error) {
      this.destroy(outcome);
      return;
    }
    if (outcome.statusCode < 200 || outcome.statusCode > 299) {
      void statusError(outcome, 'upload').then((error) => this.destroy(error));
      return;
    }
    // A success before the whole body was handed over means the server stopped reading early.
    const bodyComplete = this.#ended || (this.#contentLength !== undefined && this.#written === this.#contentLength);
    if (!bodyComplete) {
      outcome.body.destroy();
      this.destroy(new HttpError('ERR_HTTP_CONNECTION', `upload failed: the server answered ${outcome.statusCode} before the body was complete`));
      return;
    }
    outcome.body.dump().catch(() => {});
    this.#answer = {
      statusCode: outcome.statusCode,
      etag: typeof outcome.headers.etag === 'string' ? outcome.headers.etag : undefined,
      headers: outcome.headers,
    };
    if (this.#ended) this.#complete();
  }

  #complete(): void {
    const answer = this.#answer!;
    const callback = this.#finalCallback!;
    this.#finalCallback = undefined;
    this.emit('response', answer);
    this.#resolve(answer);
    callback();
  }
}

/**
 * A Writable that streams its input as the body of one HTTP request to `url`.
 * It finishes once the server answers with a 2xx status; `response` (and the
 * `response` event) give the status, ETag and headers.
 * @throws TypeError or RangeError for a bad URL, scheme or contentLength. Stream errors:
 *   HttpError ERR_HTTP_STATUS (with `statusCode`), ERR_HTTP_CONNECTION, ERR_HTTP_LENGTH;
 *   FileError ERR_ABORTED when destroyed before completing; AbortError from `signal`
 */
export function upload(url: string | URL, options: UploadOptions = {}): UploadStream {
  return new UploadStream(url, options);
}
