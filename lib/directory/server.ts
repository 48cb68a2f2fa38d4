/**
 * The reference directory server on node:http (spec/directory.md §5). Every
 * write goes through a {@link CardRegistry}, which verifies the card or
 * revocation before the store keeps it. Bad input gets a 4xx JSON answer and
 * never stops the server; a request that does not finish within the deadline
 * gets 408 and its connection is closed.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { equalConstantTime, utf8 } from '../bytes.js';
import { type Card, type TrustedSigner, importCard, isCardId } from '../cards/card.js';
import { normalizeIdentity } from '../cards/identity.js';
import { type Revocation, importRevocation } from '../cards/revocation.js';
import { resolveBackend } from '../crypto/index.js';
import { CardError } from '../errors.js';
import { openLogStore } from './log-store.js';
import {
  CBOR_TYPE, type CardEntry, DEFAULT_REQUEST_TIMEOUT_MS, MAX_REQUEST_BODY_BYTES, MAX_SEARCH_IDENTITIES, PATHS,
  type RevocationStatus, type SearchResponse,
} from './protocol.js';
import { CardRegistry } from './registry.js';
import { assertFields, mediaTypeOf, parseJsonObject, readBody, requestError, sendCbor, sendError, sendJson } from './server-io.js';
import type { CardStore } from './storage.js';

/** Options for {@link startDirectory}. */
export interface DirectoryServerOptions {
  /** Where the append-only log lives (created if needed). Not needed when `store` is given. */
  dataDir?: string;
  /** Another store, such as a networked database (spec/directory.md §6.3). */
  store?: CardStore;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** When set, publishing and revoking need `Authorization: Bearer <token>`. */
  requireAppToken?: string;
  /** Signers that may revoke any card; with `requireEndorsement`, the signers a card needs. */
  authorities?: readonly TrustedSigner[];
  /** Refuse cards that no authority has signed. */
  requireEndorsement?: boolean;
  /** Largest request body. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Deadline for receiving a whole request, headers and body. Default 10 s. */
  requestTimeoutMs?: number;
}

/** A running directory server. */
export interface DirectoryServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  /** Stops listening, drops open connections and closes the store. Idempotent. */
  close(): Promise<void>;
}

interface Context {
  registry: CardRegistry;
  maxBodyBytes: number;
  appTokenDigest: Uint8Array | undefined;
}

const CARD_PATH = new RegExp(`^${PATHS.cards}/([^/]+)$`);
const REVOCATION_PATH = new RegExp(`^${PATHS.revocations}/([^/]+)$`);
const IMMUTABLE = 'public, max-age=31536000, immutable';
const backend = resolveBackend(undefined);

function assertId(id: string): string {
  if (!isCardId(id)) throw requestError(400, 'a card id must be 64 lowercase hex digits');
  return id;
}

function assertAppToken(req: IncomingMessage, ctx: Context): void {
  if (ctx.appTokenDigest === undefined) return;
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7) : '';
  // Digests first, so the comparison time does not depend on the token length either.
  if (!equalConstantTime(backend.sha256(utf8(token)), ctx.appTokenDigest)) throw requestError(401, 'a valid app token is required to write');
}

function decodeCardBody(req: IncomingMessage, body: Uint8Array): Card {
  if (mediaTypeOf(req) === CBOR_TYPE) return importCard(body);
  const json = parseJsonObject(req, body);
  assertFields(json, ['card'], ['id']);
  if (typeof json.card !== 'string') throw requestError(400, '"card" must be a card text');
  const card = importCard(json.card);
  if (json.id !== undefined && json.id !== card.id) throw new CardError('ERR_CARD_ID', 'the id sent does not match the card content');
  return card;
}

function decodeRevocationBody(req: IncomingMessage, body: Uint8Array): Revocation {
  if (mediaTypeOf(req) === CBOR_TYPE) return importRevocation(body);
  const json = parseJsonObject(req, body);
  assertFields(json, ['revocation']);
  if (typeof json.revocation !== 'string') throw requestError(400, '"revocation" must be a revocation text');
  return importRevocation(json.revocation);
}

function decodeSearchBody(req: IncomingMessage, body: Uint8Array): string[] {
  const json = parseJsonObject(req, body);
  assertFields(json, ['identities']);
  const identities = json.identities;
  if (!Array.isArray(identities) || identities.length === 0 || identities.length > MAX_SEARCH_IDENTITIES) {
    throw requestError(400, `"identities" must list 1..${MAX_SEARCH_IDENTITIES} identities`);
  }
  for (const identity of identities) {
    if (typeof identity !== 'string') throw requestError(400, 'identities must be strings');
  }
  return identities as string[];
}

function normalizeOrRefuse(identity: string): string {
  try {
    return normalizeIdentity(identity);
  } catch (error) {
    throw requestError(400, `invalid identity: ${(error as Error).message}`);
  }
}

function entryOf(card: Card): CardEntry {
  return { id: card.id, card: card.export() };
}

async function publishCard(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  assertAppToken(req, ctx);
  const card = decodeCardBody(req, await readBody(req, ctx.maxBodyBytes));
  const result = await ctx.registry.publish(card);
  sendJson(res, result === 'created' ? 201 : 200, { id: card.id, created: result === 'created' }, { location: `${PATHS.cards}/${card.id}` });
}

async function getCard(req: IncomingMessage, res: ServerResponse, ctx: Context, id: string): Promise<void> {
  const { card } = await ctx.registry.get(assertId(id));
  // A card's bytes never change under its id, so caches may keep it forever.
  const headers = { etag: `"${card.id}"`, 'cache-control': IMMUTABLE };
  if (req.headers['if-none-match'] === headers.etag) {
    res.writeHead(304, headers).end();
    return;
  }
  if ((req.headers.accept ?? '').includes(CBOR_TYPE)) sendCbor(res, card.toBytes(), headers);
  else sendJson(res, 200, entryOf(card), headers);
}

async function search(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const identities = decodeSearchBody(req, await readBody(req, ctx.maxBodyBytes));
  // No prototype, so an identity such as "__proto__" is an ordinary key.
  const results: SearchResponse['results'] = Object.create(null) as SearchResponse['results'];
  for (const identity of identities) {
    results[identity] = (await ctx.registry.findLive(normalizeOrRefuse(identity))).map(entryOf);
  }
  sendJson(res, 200, { results } satisfies SearchResponse, { 'cache-control': 'no-store' });
}

async function revoke(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  assertAppToken(req, ctx);
  const revocation = decodeRevocationBody(req, await readBody(req, ctx.maxBodyBytes));
  const result = await ctx.registry.revoke(revocation);
  sendJson(res, result === 'created' ? 201 : 200, { cardId: revocation.cardId, created: result === 'created' });
}

async function revocationStatus(res: ServerResponse, ctx: Context, id: string): Promise<void> {
  const { revocation } = await ctx.registry.get(assertId(id));
  const status: RevocationStatus = revocation === undefined
    ? { cardId: id, revoked: false }
    : { cardId: id, revoked: true, revocation: revocation.export() };
  sendJson(res, 200, status, { 'cache-control': 'no-cache' });
}

/** Routes one request: a known path with another method is 405, an unknown path 404. */
async function route(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://directory.invalid').pathname;
  const method = req.method ?? '';
  const allow = (methods: string): never => {
    res.setHeader('allow', methods);
    throw requestError(405, `${method.slice(0, 16)} is not allowed on this path`);
  };
  if (path === PATHS.health) return method === 'GET' ? sendJson(res, 200, { status: 'ok', version: 1 }, { 'cache-control': 'no-store' }) : allow('GET');
  if (path === PATHS.cards) return method === 'POST' ? publishCard(req, res, ctx) : allow('POST');
  if (path === PATHS.search) return method === 'POST' ? search(req, res, ctx) : allow('POST');
  if (path === PATHS.revocations) return method === 'POST' ? revoke(req, res, ctx) : allow('POST');
  const card = CARD_PATH.exec(path);
  if (card !== null) return method === 'GET' ? getCard(req, res, ctx, card[1]!) : allow('GET');
  const status = REVOCATION_PATH.exec(path);
  if (status !== null) return method === 'GET' ? revocationStatus(res, ctx, status[1]!) : allow('GET');
  throw requestError(404, 'no such path');
}

function handle(req: IncomingMessage, res: ServerResponse, ctx: Context, timeoutMs: number): void {
  // The deadline covers the whole request, so a body trickled in byte by byte still ends.
  const deadline = setTimeout(() => sendError(res, requestError(408, 'the request took too long'), true), timeoutMs);
  res.once('close', () => clearTimeout(deadline));
  route(req, res, ctx).catch((error: unknown) => sendError(res, error, !req.complete)).finally(() => clearTimeout(deadline));
}

/**
 * Starts a directory server. With `dataDir`, it stores cards in the
 * append-only log there (one server per data directory).
 * @throws DirectoryError ERR_DIRECTORY_STORAGE; the listen error when the port is taken
 */
export async function startDirectory(options: DirectoryServerOptions): Promise<DirectoryServer> {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new RangeError('requestTimeoutMs must be a positive integer');
  if (options.requireAppToken !== undefined && (typeof options.requireAppToken !== 'string' || options.requireAppToken.length < 16)) {
    throw new RangeError('requireAppToken must be a string of at least 16 characters');
  }
  if (options.store === undefined && options.dataDir === undefined) throw new TypeError('startDirectory needs dataDir or store');
  const store = options.store ?? await openLogStore(options.dataDir!);
  let registry: CardRegistry;
  try {
    registry = new CardRegistry(store, { authorities: options.authorities ?? [], requireEndorsement: options.requireEndorsement ?? false });
  } catch (error) {
    await store.close();
    throw error;
  }
  const ctx: Context = {
    registry,
    maxBodyBytes: options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES,
    appTokenDigest: options.requireAppToken === undefined ? undefined : backend.sha256(utf8(options.requireAppToken)),
  };
  const server: Server = createServer({
    // node:http's own deadlines back ours up, including for slow headers.
    requestTimeout: timeoutMs + 1000,
    headersTimeout: timeoutMs,
    connectionsCheckingInterval: Math.min(1000, timeoutMs),
    keepAliveTimeout: 5000,
  }, (req, res) => handle(req, res, ctx, timeoutMs));
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await registry.close();
    throw error;
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => registry.close());
      return closing;
    },
  };
}
