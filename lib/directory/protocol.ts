/**
 * The directory protocol's constants and message shapes (spec/directory.md §5),
 * shared by the server and the client so the two cannot drift apart.
 */
import type { ErrorCode } from '../errors.js';

/** Every path starts with the protocol version. */
export const API_PREFIX = '/v1';
export const PATHS = {
  cards: `${API_PREFIX}/cards`,
  search: `${API_PREFIX}/search`,
  revocations: `${API_PREFIX}/revocations`,
  health: `${API_PREFIX}/health`,
} as const;

/** Largest request body the server reads (spec §5.3). */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;
/** Most identities in one search request; the client splits larger lookups. */
export const MAX_SEARCH_IDENTITIES = 64;
/** Most live cards one identity may have; a directory refuses more. */
export const MAX_LIVE_CARDS_PER_IDENTITY = 64;
/** The client's default cap on a response body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** The client's default time budget per request attempt. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** The server's default deadline for receiving a whole request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export const JSON_TYPE = 'application/json';
export const CBOR_TYPE = 'application/cbor';

/** HTTP status for each error code a directory answers with (spec §5.4). */
export const STATUS_FOR_CODE: Partial<Record<ErrorCode, number>> = {
  ERR_CARD_FORMAT: 400,
  ERR_CARD_ID: 400,
  ERR_CARD_SIGNATURE: 400,
  ERR_CARD_IDENTITY: 400,
  ERR_CARD_UNTRUSTED: 403,
  ERR_CARD_NOT_FOUND: 404,
  ERR_CARD_REVOKED: 409,
  ERR_CARD_SUPERSEDED: 409,
  ERR_DIRECTORY_REQUEST: 400,
  ERR_DIRECTORY_STORAGE: 503,
};

/** One card in an answer: its claimed id and its text form. The client recomputes the id. */
export interface CardEntry {
  id: string;
  card: string;
}

/** POST /v1/search request body. */
export interface SearchRequest {
  identities: string[];
}

/** POST /v1/search answer: live cards per identity, every identity asked for present. */
export interface SearchResponse {
  results: Record<string, CardEntry[]>;
}

/** GET /v1/revocations/:id answer. */
export interface RevocationStatus {
  cardId: string;
  revoked: boolean;
  revocation?: string;
}

/** The body of every error answer. */
export interface ErrorBody {
  code: string;
  message: string;
}
