import { expect } from 'chai';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REVOCATION_TEXT_PREFIX, encodeRecordText } from '../../lib/cards/card-text.js';
import { type Card, addSignature, createCard, importCard } from '../../lib/cards/card.js';
import { createRevocation } from '../../lib/cards/revocation.js';
import { type DirectoryClient, type DirectoryClientOptions, openDirectory } from '../../lib/directory/client.js';
import { generateKeyPair } from '../../lib/keys/keys.js';
import { makeHolder, rejectsCode } from '../cards/support.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

function sendJson(res: ServerResponse, statusCode: number, body: unknown): void {
  res.writeHead(statusCode, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** Answers every search with `cards` for each identity asked. */
function searchAnswers(cards: Card[]): Handler {
  return (_req, res, body) => {
    const { identities } = JSON.parse(body) as { identities: string[] };
    sendJson(res, 200, { results: Object.fromEntries(identities.map((i) => [i, cards.map((c) => ({ id: c.id, card: c.export() }))])) });
  };
}

function forgeSelfSignature(card: Card): Card {
  const bytes = card.toBytes();
  bytes[bytes.length - 1]! ^= 1;
  return importCard(bytes);
}

describe('the client catches a lying directory', () => {
  let server: Server;
  let handler: Handler;
  let requests: string[];
  let url: string;
  const clients: DirectoryClient[] = [];
  const client = (options: DirectoryClientOptions = {}): DirectoryClient => {
    const opened = openDirectory(url, { timeoutMs: 2000, ...options });
    clients.push(opened);
    return opened;
  };

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => {
        body += chunk;
      });
      req.on('end', () => {
        requests.push(`${req.method} ${req.url}`);
        handler(req, res, body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    requests = [];
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a card for another identity: ERR_CARD_IDENTITY', async () => {
    handler = searchAnswers([makeHolder('carol').card]);
    await rejectsCode(client().find('bob'), 'ERR_CARD_IDENTITY');
  });

  it('a card with a forged signature: ERR_CARD_SIGNATURE', async () => {
    handler = searchAnswers([forgeSelfSignature(makeHolder('bob').card)]);
    await rejectsCode(client().find('bob'), 'ERR_CARD_SIGNATURE');
  });

  it('a card listed under an id that is not its own: ERR_CARD_ID', async () => {
    const [real, other] = [makeHolder('bob').card, makeHolder('bob').card];
    handler = (_req, res) => sendJson(res, 200, { results: { bob: [{ id: other.id, card: real.export() }] } });
    await rejectsCode(client().find('bob'), 'ERR_CARD_ID');
    handler = (req, res) => sendJson(res, 200, req.url!.startsWith('/v1/cards/') ? { id: real.id, card: other.export() } : { cardId: real.id, revoked: false });
    await rejectsCode(client().get(real.id), 'ERR_CARD_ID');
  });

  it('a card of the server\'s own making for bob passes only without trusted signers', async () => {
    const app = generateKeyPair();
    const planted = makeHolder('bob').card;
    handler = searchAnswers([planted]);
    // Self-signatures prove key possession, not identity: this is what trusted signers are for.
    expect(await client().find('bob')).to.have.length(1);
    await rejectsCode(client({ trustedSigners: [{ name: 'app', publicKey: app.publicKey }] }).find('bob'), 'ERR_CARD_UNTRUSTED');
    const endorsed = addSignature(makeHolder('bob').card, 'app', app.privateKey);
    handler = searchAnswers([endorsed]);
    expect(await client({ trustedSigners: [{ name: 'app', publicKey: app.publicKey }] }).find('bob')).to.have.length(1);
  });

  it('a revocation on get must be for the card, by its key or a trusted authority, and genuine; then ERR_CARD_REVOKED', async () => {
    const bob = makeHolder('bob');
    const forged = createRevocation(makeHolder('bob').card, generateKeyPair().privateKey, { signerName: 'x' }).export();
    let revocation = forged;
    handler = (req, res) => sendJson(res, 200, req.url!.startsWith('/v1/cards/')
      ? { id: bob.card.id, card: bob.card.export() }
      : { cardId: bob.card.id, revoked: true, revocation });
    await rejectsCode(client().get(bob.card.id), 'ERR_CARD_ID');
    const stranger = generateKeyPair();
    revocation = createRevocation(bob.card, stranger.privateKey, { signerName: 'admin' }).export();
    await rejectsCode(client().get(bob.card.id), 'ERR_CARD_UNTRUSTED');
    const bytes = createRevocation(bob.card, bob.keys.privateKey).toBytes();
    bytes[bytes.length - 1]! ^= 1;
    revocation = encodeRecordText(REVOCATION_TEXT_PREFIX, bytes);
    await rejectsCode(client().get(bob.card.id), 'ERR_CARD_SIGNATURE');
    revocation = createRevocation(bob.card, bob.keys.privateKey).export();
    await rejectsCode(client().get(bob.card.id), 'ERR_CARD_REVOKED');
  });

  it('a replaced card listed as live next to its replacement: ERR_CARD_SUPERSEDED', async () => {
    const old = makeHolder('bob');
    const next = createCard(generateKeyPair(), { identity: 'bob', previous: old.card, previousKey: old.keys.privateKey });
    handler = searchAnswers([old.card, next]);
    await rejectsCode(client().find('bob'), 'ERR_CARD_SUPERSEDED');
  });

  it('a card this client revoked, still listed as live: ERR_CARD_REVOKED', async () => {
    const bob = makeHolder('bob');
    const remembering = client();
    handler = (req, res) => (req.url === '/v1/revocations' ? sendJson(res, 201, { cardId: bob.card.id, created: true }) : searchAnswers([bob.card])(req, res, '{"identities":["bob"]}'));
    await remembering.revoke(bob.card, bob.keys.privateKey);
    await rejectsCode(remembering.find('bob'), 'ERR_CARD_REVOKED');
  });

  it('malformed, inconsistent and oversized answers: ERR_DIRECTORY_RESPONSE', async () => {
    const bob = makeHolder('bob').card;
    const answers: Handler[] = [
      (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'),
      (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"results": '),
      (_req, res) => sendJson(res, 200, { results: {} }),
      (_req, res) => sendJson(res, 200, { results: { bob: [], eve: [] } }),
      (_req, res) => sendJson(res, 200, { results: { bob: 'everyone' } }),
      (_req, res) => sendJson(res, 200, { results: { bob: [{ id: bob.id }] } }),
      searchAnswers([bob, bob]),
      searchAnswers(Array.from({ length: 65 }, () => bob)),
      (_req, res) => sendJson(res, 200, { results: { bob: [] }, padding: 'x'.repeat(10_000) }),
    ];
    for (const [i, answer] of answers.entries()) {
      handler = answer;
      await rejectsCode(client({ maxResponseBytes: 8192 }).find('bob'), 'ERR_DIRECTORY_RESPONSE').catch((error: Error) => {
        throw new Error(`answer #${i}: ${error.message}`);
      });
    }
  });

  it('an error status becomes ERR_DIRECTORY_HTTP with statusCode, a 404 on get ERR_CARD_NOT_FOUND', async () => {
    handler = (_req, res) => sendJson(res, 500, { code: 'ERR_SOMETHING', message: 'boom' });
    const error = await rejectsCode(client({ retries: 0 }).find('bob'), 'ERR_DIRECTORY_HTTP');
    expect(error.statusCode).to.equal(500);
    handler = (_req, res) => sendJson(res, 404, { code: 'ERR_CARD_NOT_FOUND', message: 'no card' });
    await rejectsCode(client().get('a'.repeat(64)), 'ERR_CARD_NOT_FOUND');
  });

  it('reads are retried on 503, writes are not', async () => {
    let failuresLeft = 2;
    handler = (req, res, body) => {
      if (failuresLeft-- > 0) return sendJson(res, 503, { code: 'ERR_DIRECTORY_STORAGE', message: 'busy' });
      return searchAnswers([])(req, res, body);
    };
    expect(await client().find('bob')).to.deep.equal([]);
    expect(requests).to.deep.equal(['POST /v1/search', 'POST /v1/search', 'POST /v1/search']);
    requests = [];
    handler = (_req, res) => sendJson(res, 503, { code: 'ERR_DIRECTORY_STORAGE', message: 'busy' });
    const error = await rejectsCode(client().publish(makeHolder('bob').card), 'ERR_DIRECTORY_HTTP');
    expect(error.statusCode).to.equal(503);
    expect(requests).to.deep.equal(['POST /v1/cards']);
  });

  it('a server that never answers: ERR_DIRECTORY_TIMEOUT; a closed port: ERR_DIRECTORY_UNREACHABLE', async () => {
    handler = () => undefined;
    const started = Date.now();
    await rejectsCode(client({ timeoutMs: 300, retries: 0 }).find('bob'), 'ERR_DIRECTORY_TIMEOUT');
    expect(Date.now() - started).to.be.below(2000);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = openDirectory(`http://127.0.0.1:${port}`, { retries: 1 });
    clients.push(unreachable);
    await rejectsCode(unreachable.find('bob'), 'ERR_DIRECTORY_UNREACHABLE');
  });
});
