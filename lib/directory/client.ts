/**
 * The directory client on undici (spec/directory.md §5, §7). It trusts the
 * server for nothing it can check: every card is parsed strictly, its id
 * recomputed, its signatures verified, its identity compared with the one asked
 * for, and revocations are verified before they are believed. Only reads (GET
 * and the read-only search) are retried; writes are sent once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent } from 'undici';
import { loadUndici } from '../io/undici.js';
import { type Card, importCard } from '../cards/card.js';
import { type Revocation, importRevocation } from '../cards/revocation.js';
import { CardError, CardsealError, DirectoryError, ERROR_CODES, type ErrorCode } from '../errors.js';
import type { PrivateKey } from '../keys/keys.js';
import { type DirectoryTrust, assertCardId, checkFetchedCard, checkLiveCards, findEach, revocationFor } from './checks.js';
import type { CardDirectory, RevokeOptions } from './directory.js';
import {
  DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, JSON_TYPE, MAX_LIVE_CARDS_PER_IDENTITY, MAX_SEARCH_IDENTITIES, PATHS,
} from './protocol.js';

/** Options for {@link openDirectory}. */
export interface DirectoryClientOptions extends DirectoryTrust {
  /** Time budget of each request attempt, in milliseconds. Default 10,000. */
  timeoutMs?: number;
  /** Largest response body accepted. Default 8 MiB. */
  maxResponseBytes?: number;
  /** Extra attempts for reads that fail to connect or get 502/503/504. Default 2. */
  retries?: number;
  /** Sent as `Authorization: Bearer <token>` on writes, for servers that require one. */
  appToken?: string;
}

interface Answer {
  statusCode: number;
  contentType: string;
  body: Uint8Array;
}

const RETRY_STATUSES = new Set([502, 503, 504]);
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function responseError(message: string, statusCode?: number): DirectoryError {
  return new DirectoryError('ERR_DIRECTORY_RESPONSE', message, { statusCode });
}

async function readLimited(body: AsyncIterable<Uint8Array>, declared: string | undefined, limit: number, statusCode: number): Promise<Uint8Array> {
  if (declared !== undefined && Number(declared) > limit) throw responseError(`the answer declares more than ${limit} bytes`, statusCode);
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Leaving the loop early destroys the body stream, so an oversized answer stops downloading.
  for await (const chunk of body) {
    size += chunk.length;
    if (size > limit) throw responseError(`the answer is larger than ${limit} bytes`, statusCode);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(answer: Answer): Record<string, unknown> {
  if (answer.contentType.split(';')[0]!.trim().toLowerCase() !== JSON_TYPE) throw responseError(`the answer is not ${JSON_TYPE}`, answer.statusCode);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(answer.body));
  } catch {
    throw responseError('the answer is not valid JSON', answer.statusCode);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw responseError('the answer is not a JSON object', answer.statusCode);
  return value as Record<string, unknown>;
}

/** The error for a non-2xx answer. A card code the server names becomes the cause. */
function statusError(answer: Answer): DirectoryError {
  let code = '';
  let message = '';
  try {
    const body = parseJson(answer);
    code = typeof body.code === 'string' ? body.code.slice(0, 40) : '';
    message = typeof body.message === 'string' ? body.message.slice(0, 200) : '';
  } catch {
    // A non-JSON error body still yields the status.
  }
  const cause = code.startsWith('ERR_CARD_') && code in ERROR_CODES ? new CardError(code as ErrorCode, message) : undefined;
  return new DirectoryError('ERR_DIRECTORY_HTTP', `the directory answered ${answer.statusCode}${code === '' ? '' : ` ${code}`}${message === '' ? '' : `: ${message}`}`, {
    statusCode: answer.statusCode,
    cause,
  });
}

function stringField(body: Record<string, unknown>, field: string, statusCode: number): string {
  const value = body[field];
  if (typeof value !== 'string') throw responseError(`the answer lacks the text field "${field}"`, statusCode);
  return value;
}

/** The HTTP client of a card directory. Open it with {@link openDirectory}. */
export class DirectoryClient implements CardDirectory {
  readonly url: string;
  /** Created on the first request, so that opening a client loads no HTTP stack. */
  #agent: Agent | undefined;
  readonly #trust: DirectoryTrust;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #retries: number;
  readonly #appToken: string | undefined;
  // Revocations this client has seen or made: a later answer must not contradict them.
  readonly #revoked = new Map<string, Revocation>();
  #closed: Promise<void> | undefined;

  constructor(url: string | URL, options: DirectoryClientOptions = {}) {
    const base = new URL(url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError('a directory url must be http or https');
    this.url = base.href.replace(/\/+$/, '');
    this.#trust = { trustedSigners: options.trustedSigners, authorities: options.authorities };
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    this.#retries = options.retries ?? 2;
    this.#appToken = options.appToken;
    for (const [name, value, min] of [['timeoutMs', this.#timeoutMs, 1], ['maxResponseBytes', this.#maxResponseBytes, 1024], ['retries', this.#retries, 0]] as const) {
      if (!Number.isSafeInteger(value) || value < min) throw new RangeError(`${name} must be an integer of at least ${min}`);
    }
  }

  async #attempt(method: 'GET' | 'POST', path: string, body: unknown, write: boolean): Promise<Answer> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.#timeoutMs);
    const headers: Record<string, string> = { accept: JSON_TYPE };
    if (body !== undefined) headers['content-type'] = JSON_TYPE;
    if (write && this.#appToken !== undefined) headers.authorization = `Bearer ${this.#appToken}`;
    try {
      const { Agent, request } = await loadUndici();
      this.#agent ??= new Agent({ connect: { timeout: this.#timeoutMs }, headersTimeout: this.#timeoutMs, bodyTimeout: this.#timeoutMs });
      const response = await request(`${this.url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.#agent,
        signal: controller.signal,
      });
      const length = response.headers['content-length'];
      const type = response.headers['content-type'];
      return {
        statusCode: response.statusCode,
        contentType: typeof type === 'string' ? type : '',
        body: await readLimited(response.body, typeof length === 'string' ? length : undefined, this.#maxResponseBytes, response.statusCode),
      };
    } catch (error) {
      if (error instanceof CardsealError) throw error;
      if (timedOut || TIMEOUT_CODES.has((error as { code?: string }).code ?? '')) {
        throw new DirectoryError('ERR_DIRECTORY_TIMEOUT', `the directory did not answer within ${this.#timeoutMs} ms`, { cause: error });
      }
      throw new DirectoryError('ERR_DIRECTORY_UNREACHABLE', `cannot reach the directory: ${(error as Error).message}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a request; a read (`safe`) is retried with backoff when the directory is unreachable or overloaded. */
  async #send(method: 'GET' | 'POST', path: string, body: unknown, safe: boolean): Promise<Answer> {
    if (this.#closed !== undefined) throw new RangeError('the directory client is closed');
    for (let attempt = 0; ; attempt++) {
      const retry = safe && attempt < this.#retries;
      let answer: Answer;
      try {
        answer = await this.#attempt(method, path, body, !safe);
      } catch (error) {
        if (!retry || !(error instanceof DirectoryError) || error.code !== 'ERR_DIRECTORY_UNREACHABLE') throw error;
        await sleep(100 * 2 ** attempt + Math.random() * 50);
        continue;
      }
      if (!retry || !RETRY_STATUSES.has(answer.statusCode)) return answer;
      await sleep(100 * 2 ** attempt + Math.random() * 50);
    }
  }

  async find(identity: string): Promise<Card[]> {
    const found = await this.findMany([identity]);
    return found.get(identity)!;
  }

  findMany(identities: Iterable<string>): Promise<Map<string, Card[]>> {
    return findEach(identities, async (normal) => {
      const found = new Map<string, Card[]>();
      for (let i = 0; i < normal.length; i += MAX_SEARCH_IDENTITIES) {
        const batch = normal.slice(i, i + MAX_SEARCH_IDENTITIES);
        for (const [identity, cards] of await this.#search(batch)) found.set(identity, cards);
      }
      return found;
    });
  }

  async #search(identities: string[]): Promise<Map<string, Card[]>> {
    // Search only reads; it is a POST so that many identities fit in the body (spec §5.2).
    const answer = await this.#send('POST', PATHS.search, { identities }, true);
    if (answer.statusCode !== 200) throw statusError(answer);
    const results = parseJson(answer).results;
    if (results === null || typeof results !== 'object' || Array.isArray(results)) throw responseError('the search answer lacks "results"', 200);
    const byIdentity = results as Record<string, unknown>;
    if (Object.keys(byIdentity).length !== identities.length) throw responseError('the search answer is for other identities than asked', 200);
    const found = new Map<string, Card[]>();
    for (const identity of identities) {
      const entries = Object.hasOwn(byIdentity, identity) ? byIdentity[identity] : undefined;
      if (!Array.isArray(entries) || entries.length > MAX_LIVE_CARDS_PER_IDENTITY) throw responseError('the search answer has a malformed card list', 200);
      const cards = entries.map((entry: unknown) => {
        if (entry === null || typeof entry !== 'object') throw responseError('a search result is not an object', 200);
        const card = importCard(stringField(entry as Record<string, unknown>, 'card', 200));
        if (stringField(entry as Record<string, unknown>, 'id', 200) !== card.id) throw new CardError('ERR_CARD_ID', 'the directory sent a card under an id that does not match its content');
        return card;
      });
      found.set(identity, checkLiveCards(identity, cards, this.#trust, this.#revoked));
    }
    return found;
  }

  async get(id: string): Promise<Card> {
    assertCardId(id);
    const [cardAnswer, statusAnswer] = await Promise.all([
      this.#send('GET', `${PATHS.cards}/${id}`, undefined, true),
      this.#send('GET', `${PATHS.revocations}/${id}`, undefined, true),
    ]);
    if (cardAnswer.statusCode === 404) throw new CardError('ERR_CARD_NOT_FOUND', `no card ${id.slice(0, 16)} in the directory`);
    if (cardAnswer.statusCode !== 200) throw statusError(cardAnswer);
    const card = importCard(stringField(parseJson(cardAnswer), 'card', 200));
    const revocation = this.#readRevocationStatus(id, statusAnswer) ?? this.#revoked.get(id);
    try {
      return checkFetchedCard(id, card, revocation, this.#trust);
    } catch (error) {
      if (revocation !== undefined && error instanceof CardError && error.code === 'ERR_CARD_REVOKED') this.#revoked.set(id, revocation);
      throw error;
    }
  }

  #readRevocationStatus(id: string, answer: Answer): Revocation | undefined {
    if (answer.statusCode !== 200) throw answer.statusCode === 404 ? responseError('the directory has the card but no revocation status for it', 404) : statusError(answer);
    const status = parseJson(answer);
    if (status.cardId !== id || typeof status.revoked !== 'boolean') throw responseError('the revocation status is malformed or for another card', 200);
    return status.revoked ? importRevocation(stringField(status, 'revocation', 200)) : undefined;
  }

  async publish(card: Card): Promise<void> {
    card.assertVerified();
    const answer = await this.#send('POST', PATHS.cards, { id: card.id, card: card.export() }, false);
    if (answer.statusCode !== 200 && answer.statusCode !== 201) throw statusError(answer);
    if (parseJson(answer).id !== card.id) throw responseError('the directory acknowledged another card id', answer.statusCode);
  }

  async revoke(card: Card, privateKey: PrivateKey | Revocation, options?: RevokeOptions): Promise<void> {
    const revocation = revocationFor(card, privateKey, options);
    const answer = await this.#send('POST', PATHS.revocations, { revocation: revocation.export() }, false);
    if (answer.statusCode !== 200 && answer.statusCode !== 201) throw statusError(answer);
    this.#revoked.set(card.id, revocation);
  }

  close(): Promise<void> {
    this.#closed ??= this.#agent?.close() ?? Promise.resolve();
    return this.#closed;
  }
}

/**
 * Opens a client of the directory at `url`. No request is made until the first call.
 * Throws RangeError for a non-HTTP url or bad options.
 */
export function openDirectory(url: string | URL, options: DirectoryClientOptions = {}): DirectoryClient {
  return new DirectoryClient(url, options);
}
