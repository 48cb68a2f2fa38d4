/**
 * A mixed load on a directory server (spec/directory.md §5), shared by the
 * mocha test and bench/load-directory.ts: valid publishes, reads and searches
 * interleaved with oversized bodies, wrong types, bad signatures and bodies
 * that stall or trickle. Every answer is checked against what the protocol
 * says that request must get.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { type Card, createCard } from '../../lib/cards/card.js';
import { generateKeyPair } from '../../lib/keys/keys.js';

/** What one request tries. */
export type RequestKind = 'publish' | 'read' | 'search' | 'oversized' | 'wrong-type' | 'bad-signature' | 'slow-body';

/** Kinds whose requests are valid: the clients the server must keep serving. */
export const VALID_KINDS: readonly RequestKind[] = ['publish', 'read', 'search'];

/** The mix, by request number modulo its length: 65% valid, 35% hostile. */
const MIX: readonly RequestKind[] = [
  'publish', 'read', 'oversized', 'publish', 'search', 'wrong-type', 'publish', 'bad-signature', 'read', 'publish',
  'slow-body', 'publish', 'search', 'wrong-type', 'publish', 'oversized', 'read', 'publish', 'bad-signature', 'search',
];

/** What happened to one request. */
export interface RequestOutcome {
  kind: RequestKind;
  statusCode: number | undefined;
  /** The `code` of an error answer. */
  code: string | undefined;
  ms: number;
  /** Set when the answer is not the one the protocol prescribes. */
  problem?: string;
}

/** What a load did. */
export interface LoadReport {
  outcomes: RequestOutcome[];
  /** Ids of cards the server acknowledged (201). */
  acknowledged: string[];
  elapsedMs: number;
}

/** Parameters of {@link runLoad}. */
export interface LoadOptions {
  url: string;
  requests: number;
  clients: number;
  /** The server's request deadline: a stalled body must be answered 408 soon after it. */
  requestTimeoutMs: number;
  /** Prefix of the identities published, so loads on one directory do not collide. */
  identityPrefix: string;
  /** Called after each acknowledged publish, with the number acknowledged so far. */
  onAcknowledged?: (count: number) => void;
}

const OVERSIZED_BYTES = 70 * 1024;
const IDENTITIES = 40;

interface Answer {
  statusCode: number;
  code: string | undefined;
  body: Record<string, unknown>;
}

/** Sends one request and reads its JSON answer. */
async function send(agent: Agent, url: string, method: 'GET' | 'POST', body?: string | Uint8Array | Readable, contentType = 'application/json'): Promise<Answer> {
  const answer = await request(url, { dispatcher: agent, method, body, headers: body === undefined ? {} : { 'content-type': contentType } });
  const text = await answer.body.text();
  const parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  return { statusCode: answer.statusCode, code: typeof parsed.code === 'string' ? parsed.code : undefined, body: parsed };
}

/** The malformed bodies of kind 'wrong-type', each with the status and code it must get. */
const WRONG_TYPES: readonly { path: string; body: string | Uint8Array; type: string; status: number; code: string }[] = [
  { path: '/v1/cards', body: '{"card":123}', type: 'application/json', status: 400, code: 'ERR_DIRECTORY_REQUEST' },
  { path: '/v1/cards', body: '[1,2,3]', type: 'application/json', status: 400, code: 'ERR_DIRECTORY_REQUEST' },
  { path: '/v1/cards', body: 'hello', type: 'text/plain', status: 415, code: 'ERR_DIRECTORY_REQUEST' },
  { path: '/v1/cards', body: Uint8Array.of(0xa1, 0x01, 0xff, 0x00), type: 'application/cbor', status: 400, code: 'ERR_CARD_FORMAT' },
  { path: '/v1/search', body: '{"identities":"bob"}', type: 'application/json', status: 400, code: 'ERR_DIRECTORY_REQUEST' },
];

/**
 * Sends a request whose body never completes: it declares 2,000 bytes and
 * sends 10, then stalls or trickles a byte every 200 ms. The server must answer
 * 408 at its deadline and close the connection.
 */
function sendSlowBody(url: string, trickle: boolean, deadlineMs: number): Promise<{ statusCode: number | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const finish = (): void => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ statusCode: status === null ? undefined : Number(status[1]) });
    };
    // Our own bound, so a server that never answers fails the check instead of hanging the load.
    const giveUp = setTimeout(finish, deadlineMs);
    socket.on('data', (data) => (answer += data.toString('latin1')));
    socket.once('close', finish);
    socket.once('error', finish);
    socket.write(`POST /v1/cards HTTP/1.1\r\nhost: ${hostname}\r\ncontent-type: application/json\r\ncontent-length: 2000\r\n\r\n{"card":"ca`);
    if (trickle) timer = setInterval(() => socket.writable && socket.write('r'), 200);
  });
}

/** Runs `options.requests` requests from `options.clients` concurrent clients. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const agent = new Agent({ connections: options.clients, keepAliveTimeout: 1000 });
  const outcomes: RequestOutcome[] = new Array(options.requests);
  const acknowledged: string[] = [];
  let next = 0;

  const judge = (kind: RequestKind, answer: { statusCode: number | undefined; code?: string | undefined }, status: number, code?: string): RequestOutcome => {
    const wrong = answer.statusCode !== status || (code !== undefined && answer.code !== code);
    return {
      kind,
      statusCode: answer.statusCode,
      code: answer.code,
      ms: 0,
      ...(wrong ? { problem: `${kind}: got ${answer.statusCode} ${answer.code ?? ''}, expected ${status} ${code ?? ''}` } : {}),
    };
  };

  // Cards are made before the clock starts, so the figures measure the server, not key generation.
  const cards = new Map<number, Card>();
  for (let i = 0; i < options.requests; i++) {
    const kind = MIX[i % MIX.length]!;
    if (kind === 'publish') cards.set(i, createCard(generateKeyPair(), { identity: `${options.identityPrefix}${i % IDENTITIES}@example.org`, device: `device-${i}` }));
    if (kind === 'bad-signature') cards.set(i, createCard(generateKeyPair(), { identity: `${options.identityPrefix}forged@example.org` }));
  }

  const attempt = async (i: number): Promise<RequestOutcome> => {
    const kind = MIX[i % MIX.length]!;
    const base = options.url;
    switch (kind) {
      case 'publish': {
        const card = cards.get(i)!;
        const answer = await send(agent, `${base}/v1/cards`, 'POST', JSON.stringify({ card: card.export() }));
        if (answer.statusCode === 201) {
          acknowledged.push(card.id);
          options.onAcknowledged?.(acknowledged.length);
        }
        return judge(kind, answer, 201);
      }
      case 'read': {
        const id = acknowledged[(i * 7) % Math.max(1, acknowledged.length)];
        if (id === undefined) return judge(kind, await send(agent, `${base}/v1/health`, 'GET'), 200);
        const answer = await send(agent, `${base}/v1/cards/${id}`, 'GET');
        return answer.body.id === id ? judge(kind, answer, 200) : { ...judge(kind, answer, 200), problem: `read ${id} answered another card` };
      }
      case 'search':
        return judge(kind, await send(agent, `${base}/v1/search`, 'POST', JSON.stringify({ identities: [`${options.identityPrefix}${i % IDENTITIES}@example.org`] })), 200);
      case 'oversized': {
        const body = new Uint8Array(OVERSIZED_BYTES).fill(0x20);
        // Half declare their length (refused before reading), half stream it chunked (refused while reading).
        const sent = i % 2 === 0 ? body : Readable.from([body.subarray(0, 40_000), body.subarray(40_000)]);
        return judge(kind, await send(agent, `${base}/v1/cards`, 'POST', sent), 413, 'ERR_DIRECTORY_REQUEST');
      }
      case 'wrong-type': {
        const wrong = WRONG_TYPES[i % WRONG_TYPES.length]!;
        return judge(kind, await send(agent, `${base}${wrong.path}`, 'POST', wrong.body, wrong.type), wrong.status, wrong.code);
      }
      case 'bad-signature': {
        const bytes = cards.get(i)!.toBytes().slice();
        // The signature closes the card: a flipped bit there leaves the content, and the id, intact.
        bytes[bytes.length - 1]! ^= 0x01;
        return judge(kind, await send(agent, `${base}/v1/cards`, 'POST', bytes, 'application/cbor'), 400, 'ERR_CARD_SIGNATURE');
      }
      case 'slow-body':
        return judge(kind, await sendSlowBody(base, i % 2 === 0, options.requestTimeoutMs + 3000), 408);
    }
  };

  const client = async (): Promise<void> => {
    while (next < options.requests) {
      const i = next++;
      const start = performance.now();
      try {
        outcomes[i] = await attempt(i);
      } catch (error) {
        outcomes[i] = { kind: MIX[i % MIX.length]!, statusCode: undefined, code: undefined, ms: 0, problem: `request failed: ${(error as Error).message}` };
      }
      outcomes[i]!.ms = performance.now() - start;
    }
  };

  const start = performance.now();
  try {
    await Promise.all(Array.from({ length: options.clients }, client));
  } finally {
    await agent.close();
  }
  return { outcomes, acknowledged, elapsedMs: performance.now() - start };
}

/** The `fraction` quantile of `values` (nearest rank). */
export function quantile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? 0;
}

/** A directory server in a child process. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
  /** Peak resident set of the child so far, in bytes (Linux /proc); undefined elsewhere. */
  peakRss(): number | undefined;
}

const SERVE_SCRIPT = fileURLToPath(new URL('./fixtures/serve-directory.js', import.meta.url));

/** Starts test/hardening/fixtures/serve-directory.ts on `dataDir` and waits for its URL. */
export async function startServerProcess(dataDir: string, requestTimeoutMs: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVE_SCRIPT, dataDir, String(requestTimeoutMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`directory process exited early with ${code}`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  const peakRss = (): number | undefined => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kib = /VmHWM:\s+(\d+) kB/.exec(status);
      return kib === null ? undefined : Number(kib[1]) * 1024;
    } catch {
      return undefined;
    }
  };
  return { url, child, exited, peakRss };
}
